using System.Numerics;
using PoT.Hosting;
using PoT.Proofs;
using PoT.Protocol;
using PoT.Specs.Support;
using Xunit;

namespace PoT.Specs.Proofs;

/// <summary>What a validator checks of an SGD-step proof beyond the pairing: the bundle's shape, whose it is, whether its
/// loss bound and learning rate are acceptable, what task it names, and the model it opens, scored on held-out rows.
/// (The attacks on binding, replay and scoring are in Attacks/ZkProofAttackSpecs.)</summary>
public sealed class SgdStepVerifierSpecs
{
    private static readonly SgdStepProof Committed = ZkFiles.Committed();
    private static readonly ProofsOptions Options = PotConfig.Load().Proofs;
    private static readonly LinearTask Task = Options.LinearTasks[ZkFiles.Task];
    private static readonly HexBytes Seed = HexBytes.From(Keccak.Hash([42]));

    private static ProofCheck Check(Address? provider = null, Address? validator = null) =>
        new(ZkFiles.Round, SgdStepProof.Kind, Committed.Hash(), provider ?? Keys.Alice.Address, "agent-1", Seed, validator ?? Keys.Carol.Address);

    private static ProofVerdict Verify(SgdStepProof proof, ProofCheck? check = null, SgdStepPolicy? policy = null) =>
        SgdStepVerifier.Verify(SgdStepCircuit.VerificationKey, proof, check ?? Check(), new HashSet<HexBytes>(), policy ?? Options.SgdStep, Options.LinearTasks);

    [Fact]
    public void The_committed_proof_is_accepted_with_its_models_score_on_the_validators_challenge_set()
    {
        var verdict = Verify(Committed);

        Assert.True(verdict.Accepted, verdict.Reason);
        Assert.Equal("ok", verdict.Code);
        Assert.Equal(HeldOutScore.Of(Committed.Model.W, Committed.Model.B, Task.ChallengeSet(Keys.Carol.Address, Seed)), verdict.Score);
        Assert.Contains("held-out R²", verdict.Reason);
    }

    [Fact]
    public void Each_validator_scores_on_its_own_rows_and_the_same_rows_give_the_same_score()
    {
        var carol = Verify(Committed, Check(validator: Keys.Carol.Address)).Score;
        var mallory = Verify(Committed, Check(validator: Keys.Mallory.Address)).Score;

        Assert.NotEqual(carol, mallory);
        Assert.Equal(carol, Verify(Committed, Check(validator: Keys.Carol.Address)).Score);
    }

    [Fact]
    public void A_proof_bound_to_another_provider_is_refused()
    {
        var verdict = Verify(Committed, Check(provider: Keys.Bob.Address));

        Assert.Equal("not-bound-to-provider", verdict.Code);
        Assert.Contains(Keys.Alice.Address.Value.ToLowerInvariant()[2..], verdict.Reason);
    }

    [Fact]
    public void Rebinding_a_copied_proof_to_the_copier_breaks_it()
    {
        var rebound = Committed with { PublicSignals = Committed.PublicSignals.SetItem(5, SgdStepClaim.AddressAsField(Keys.Bob.Address)) };

        Assert.Equal("groth16-invalid", Verify(rebound, Check(provider: Keys.Bob.Address)).Code);
    }

    [Fact]
    public void A_loss_bound_looser_than_the_validator_accepts_is_refused()
    {
        var policy = Options.SgdStep with { MaxLossThreshold = Committed.Claim.LossThreshold - 1 };

        Assert.Equal("loss-bound-too-loose", Verify(Committed, policy: policy).Code);
    }

    [Fact]
    public void A_learning_rate_outside_the_accepted_range_is_refused()
    {
        var policy = Options.SgdStep with { MaxLearningRate = (int)Committed.Claim.LrNum - 1 };

        Assert.Equal("learning-rate-not-accepted", Verify(Committed, policy: policy).Code);
    }

    [Theory]
    [InlineData("no-such-task")]
    [InlineData("blobs-8x3")]
    public void A_task_the_validator_cannot_score_a_linear_model_on_is_refused(string task)
    {
        var verdict = Verify(Committed with { Task = task });

        Assert.Equal("unknown-task", verdict.Code);
        Assert.Contains(task, verdict.Reason);
    }

    [Fact]
    public void A_proof_with_the_wrong_number_of_signals_is_malformed()
    {
        Assert.Equal("malformed-proof", Verify(Committed with { PublicSignals = [.. Committed.PublicSignals, BigInteger.One] }).Code);
    }

    [Fact]
    public void A_public_signal_outside_the_field_is_malformed_before_any_binding_is_read()
    {
        var verdict = Verify(Committed with { PublicSignals = Committed.PublicSignals.SetItem(5, Committed.Claim.Provider + Bn254.ScalarOrder) });

        Assert.Equal(("malformed-proof", "public signal 5 is not an element of the scalar field"), (verdict.Code, verdict.Reason));
    }

    [Theory]
    [InlineData("2147483648")]
    [InlineData("-2147483649")]
    public void A_model_weight_outside_the_circuits_range_is_malformed(string weight)
    {
        var model = Committed.Model with { W = Committed.Model.W.SetItem(0, BigInteger.Parse(weight)) };

        var verdict = Verify(Committed with { Model = model });

        Assert.Equal("malformed-proof", verdict.Code);
        Assert.Contains("signed 32-bit", verdict.Reason);
    }

    [Fact]
    public void A_salt_spelled_outside_the_field_is_malformed_though_Poseidon_would_reduce_it_to_the_same_commitment()
    {
        var model = Committed.Model with { Salt = Committed.Model.Salt + Bn254.ScalarOrder };
        Assert.True(model.Opens(Committed.Claim.CommitAfter));

        Assert.Equal("malformed-proof", Verify(Committed with { Model = model }).Code);
    }
}
