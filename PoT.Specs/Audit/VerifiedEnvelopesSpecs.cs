using PoT.Audit;
using PoT.Ledger;
using PoT.Protocol;
using PoT.Specs.Support;
using Xunit;

namespace PoT.Specs.Audit;

/// <summary>The audit's signature memo: one recovery per envelope while it is recent, never a verdict lent to
/// another message.</summary>
public sealed class VerifiedEnvelopesSpecs
{
    private readonly CommandVerifier _verifier = new(CommandCatalog.Pot, new Eip712Domain("PoT", "1", 31337, Address.Zero));

    private SignedEnvelope Signed(ulong nonce) => _verifier.Sign(new Transfer(Keys.Alice.Address, Keys.Bob.Address, 100, nonce), Keys.Alice).Envelope;

    [Fact]
    public void The_same_envelope_seen_twice_is_recovered_once()
    {
        var envelopes = new VerifiedEnvelopes(_verifier);
        var envelope = Signed(0);
        var first = envelopes.Check(envelope);
        var again = envelopes.Check(envelope with { Message = (Newtonsoft.Json.Linq.JObject)envelope.Message.DeepClone() });
        Assert.Equal(new Transfer(Keys.Alice.Address, Keys.Bob.Address, 100, 0), first.Command);
        Assert.Equal(first, again);
        Assert.Equal(1, envelopes.Verified);
    }

    [Fact]
    public void A_forged_message_under_a_genuine_digest_and_signature_is_verified_on_its_own()
    {
        var envelopes = new VerifiedEnvelopes(_verifier);
        var genuine = Signed(0);
        envelopes.Check(genuine);
        var message = (Newtonsoft.Json.Linq.JObject)genuine.Message.DeepClone();
        message["amount"] = "1000000";
        var (command, error) = envelopes.Check(genuine with { Message = message });
        Assert.Null(command);
        Assert.Contains(ErrorCodes.WrongSigner, error);
        Assert.Equal(2, envelopes.Verified);
    }

    [Fact]
    public void Envelopes_aged_out_of_the_memo_are_verified_again_with_the_same_verdict()
    {
        var envelopes = new VerifiedEnvelopes(_verifier, generation: 4);
        var signed = Enumerable.Range(0, 20).Select(n => Signed((ulong)n)).ToList();
        var verdicts = signed.AsParallel().Select(e => envelopes.Check(e).Command).ToList();
        Assert.All(verdicts, Assert.NotNull);
        Assert.Equal(signed.Count, envelopes.Verified);

        Assert.Equal(new Transfer(Keys.Alice.Address, Keys.Bob.Address, 100, 0), envelopes.Check(signed[0]).Command);
        Assert.Equal(signed.Count + 1, envelopes.Verified);
    }
}
