using Newtonsoft.Json.Linq;
using PoT.Ledger;
using PoT.Protocol;
using PoT.Specs.Support;
using Xunit;

namespace PoT.Specs.Protocol;

/// <summary>What the edge accepts: only a message exactly as signed, by the account it acts for, for this network.</summary>
public sealed class CommandVerifierSpecs
{
    private static readonly Eip712Domain Domain = new("PoT", "1", 31337, Address.Zero);
    private readonly CommandVerifier _verifier = new(CommandCatalog.Pot, Domain);

    private JObject Wire(ISignedCommand command, EthKey key) => CommandVerifier.WireEnvelope(_verifier.Sign(command, key).Envelope);

    [Fact]
    public void A_signed_transfer_verifies_and_names_its_signer()
    {
        var signed = _verifier.Verify(Wire(new Transfer(Keys.Alice.Address, Keys.Bob.Address, 100, 0), Keys.Alice));
        Assert.Equal(new Transfer(Keys.Alice.Address, Keys.Bob.Address, 100, 0), signed.Command);
        Assert.Equal(Keys.Alice.Address, signed.Envelope.Signer);
        Assert.StartsWith("0x", signed.CommandId);
    }

    [Theory]
    [InlineData("to")]
    [InlineData("amount")]
    [InlineData("nonce")]
    public void Any_changed_field_breaks_the_signature(string field)
    {
        var wire = Wire(new Transfer(Keys.Alice.Address, Keys.Bob.Address, 100, 0), Keys.Alice);
        wire["message"]![field] = field == "to" ? Keys.Mallory.Address.Value : "101";
        // A changed message recovers some other address, which is not the account it acts for.
        Assert.Equal(ErrorCodes.WrongSigner, Assert.Throws<ProtocolException>(() => _verifier.Verify(wire)).Code);
    }

    [Fact]
    public void A_changed_account_field_is_refused_too()
    {
        var wire = Wire(new Transfer(Keys.Alice.Address, Keys.Bob.Address, 100, 0), Keys.Alice);
        wire["message"]!["account"] = Keys.Mallory.Address.Value;
        Assert.Equal(ErrorCodes.WrongSigner, Assert.Throws<ProtocolException>(() => _verifier.Verify(wire)).Code);
    }

    [Fact]
    public void A_command_signed_by_a_foreign_key_is_refused()
    {
        var wire = Wire(new Transfer(Keys.Alice.Address, Keys.Mallory.Address, 100, 0), Keys.Mallory);
        var e = Assert.Throws<ProtocolException>(() => _verifier.Verify(wire));
        Assert.Equal(ErrorCodes.WrongSigner, e.Code);
        Assert.Contains(Keys.Mallory.Address.Value, e.Message);
    }

    [Fact]
    public void A_signature_for_another_chain_is_refused()
    {
        var otherChain = new CommandVerifier(CommandCatalog.Pot, Domain with { ChainId = 1 });
        var wire = CommandVerifier.WireEnvelope(otherChain.Sign(new Transfer(Keys.Alice.Address, Keys.Bob.Address, 1, 0), Keys.Alice).Envelope);
        Assert.Equal(ErrorCodes.WrongSigner, Assert.Throws<ProtocolException>(() => _verifier.Verify(wire)).Code);
    }

    [Fact]
    public void The_high_s_twin_of_a_valid_signature_is_refused()
    {
        var wire = Wire(new Transfer(Keys.Alice.Address, Keys.Bob.Address, 100, 0), Keys.Alice);
        var signature = Convert.FromHexString(((string)wire["signature"]!)[2..]);
        var n = System.Numerics.BigInteger.Parse("0FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141", System.Globalization.NumberStyles.HexNumber);
        var s = new System.Numerics.BigInteger(signature.AsSpan(32, 32), isUnsigned: true, isBigEndian: true);
        var twin = (n - s).ToByteArray(isUnsigned: true, isBigEndian: true);
        Array.Clear(signature, 32, 32);
        twin.CopyTo(signature, 64 - twin.Length);
        signature[64] = (byte)(signature[64] == 27 ? 28 : 27);
        wire["signature"] = Keccak.Hex(signature);
        var e = Assert.Throws<ProtocolException>(() => _verifier.Verify(wire));
        Assert.Equal(ErrorCodes.InvalidSignature, e.Code);
        Assert.Contains("EIP-2", e.Message);
    }

    [Theory]
    [InlineData("0x1234", ErrorCodes.InvalidSignature)]
    [InlineData("not hex at all", ErrorCodes.InvalidSignature)]
    public void Malformed_signatures_are_refused(string signature, string code)
    {
        var wire = Wire(new Withdraw(Keys.Alice.Address, 0), Keys.Alice);
        wire["signature"] = signature;
        Assert.Equal(code, Assert.Throws<ProtocolException>(() => _verifier.Verify(wire)).Code);
    }

    [Fact]
    public void Unknown_types_missing_and_extra_fields_get_their_own_codes()
    {
        var wire = Wire(new Transfer(Keys.Alice.Address, Keys.Bob.Address, 100, 0), Keys.Alice);
        var unknown = (JObject)wire.DeepClone();
        unknown["type"] = "Mint";
        Assert.Equal(ErrorCodes.UnknownCommandType, Assert.Throws<ProtocolException>(() => _verifier.Verify(unknown)).Code);

        var missing = (JObject)wire.DeepClone();
        ((JObject)missing["message"]!).Remove("amount");
        var e = Assert.Throws<ProtocolException>(() => _verifier.Verify(missing));
        Assert.Equal(ErrorCodes.MissingField, e.Code);
        Assert.StartsWith("amount", e.Message);

        var extra = (JObject)wire.DeepClone();
        extra["message"]!["memo"] = "hi";
        Assert.Equal(ErrorCodes.InvalidField, Assert.Throws<ProtocolException>(() => _verifier.Verify(extra)).Code);

        var noSignature = (JObject)wire.DeepClone();
        noSignature.Remove("signature");
        Assert.Equal(ErrorCodes.MissingField, Assert.Throws<ProtocolException>(() => _verifier.Verify(noSignature)).Code);
    }

    [Fact]
    public void An_amount_above_2_to_128_is_an_overflow()
    {
        var wire = Wire(new Transfer(Keys.Alice.Address, Keys.Bob.Address, 1, 0), Keys.Alice);
        wire["message"]!["amount"] = (System.Numerics.BigInteger.One << 128).ToString();
        Assert.Equal(ErrorCodes.AmountOverflow, Assert.Throws<ProtocolException>(() => _verifier.Verify(wire)).Code);
    }

    [Fact]
    public void A_mistyped_checksum_address_is_refused()
    {
        var wire = Wire(new Transfer(Keys.Alice.Address, Keys.Bob.Address, 1, 0), Keys.Alice);
        var to = Keys.Bob.Address.Value;
        var flipped = to[..^1] + (char.IsUpper(to[^1]) ? char.ToLowerInvariant(to[^1]) : char.ToUpperInvariant(to[^1]));
        if (flipped == to) flipped = to[..2] + (char.IsUpper(to[2]) ? char.ToLowerInvariant(to[2]) : char.ToUpperInvariant(to[2])) + to[3..];
        wire["message"]!["to"] = flipped;
        var e = Assert.Throws<ProtocolException>(() => _verifier.Verify(wire));
        Assert.Equal(ErrorCodes.InvalidField, e.Code);
    }
}
