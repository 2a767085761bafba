using System.Numerics;
using PoT.Proofs;
using PoT.Protocol;
using PoT.Specs.Support;
using Xunit;

namespace PoT.Specs.Proofs;

/// <summary>What a validator checks of an SGD-step proof beyond the pairing: whose it is, whether it was judged before,
/// and whether its loss bound and learning rate are acceptable.</summary>
public sealed class SgdStepVerifierSpecs
{
    private static readonly SgdStepProof Committed = SgdStepProof.FromSnarkJs(ZkFiles.Json("build/proof.json"), ZkFiles.Array("build/public.json"));
    private static readonly HashSet<HexBytes> NoneJudged = [];

    private static ProofVerdict Verify(SgdStepProof proof, Address? provider = null, IReadOnlySet<HexBytes>? judged = null, SgdStepPolicy? policy = null) =>
        SgdStepVerifier.Verify(SgdStepCircuit.VerificationKey, proof, provider ?? Keys.Alice.Address, judged ?? NoneJudged, policy ?? SgdStepPolicy.Default);

    [Fact]
    public void The_committed_proof_is_accepted_for_its_provider()
    {
        var verdict = Verify(Committed);

        Assert.True(verdict.Accepted, verdict.Reason);
        Assert.Equal(1_000_000u, verdict.Score);
    }

    [Fact]
    public void A_proof_bound_to_another_provider_is_refused()
    {
        var verdict = Verify(Committed, Keys.Bob.Address);

        Assert.Equal("not-bound-to-provider", verdict.Code);
        Assert.Contains(Keys.Alice.Address.Value.ToLowerInvariant()[2..], verdict.Reason);
    }

    [Fact]
    public void Rebinding_a_copied_proof_to_the_copier_breaks_it()
    {
        var rebound = Committed with { PublicSignals = Committed.PublicSignals.SetItem(5, SgdStepClaim.AddressAsField(Keys.Bob.Address)) };

        Assert.Equal("groth16-invalid", Verify(rebound, Keys.Bob.Address).Code);
    }

    [Fact]
    public void A_replayed_proof_is_refused()
    {
        Assert.Equal("replayed-proof", Verify(Committed, judged: new HashSet<HexBytes> { Committed.Hash() }).Code);
    }

    [Fact]
    public void A_loss_bound_looser_than_the_validator_accepts_is_refused()
    {
        var policy = SgdStepPolicy.Default with { MaxLossThreshold = Committed.Claim.LossThreshold - 1 };

        Assert.Equal("loss-bound-too-loose", Verify(Committed, policy: policy).Code);
    }

    [Fact]
    public void A_learning_rate_outside_the_accepted_range_is_refused()
    {
        var policy = SgdStepPolicy.Default with { MaxLearningRate = (int)Committed.Claim.LrNum - 1 };

        Assert.Equal("learning-rate-not-accepted", Verify(Committed, policy: policy).Code);
    }

    [Fact]
    public void A_proof_with_the_wrong_number_of_signals_is_malformed()
    {
        Assert.Equal("malformed-proof", Verify(Committed with { PublicSignals = [.. Committed.PublicSignals, BigInteger.One] }).Code);
    }
}
