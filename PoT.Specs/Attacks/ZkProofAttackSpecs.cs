using System.Numerics;
using Nethereum.Signer.Crypto.BN128;
using PoT.Consensus;
using PoT.Hosting;
using PoT.Proofs;
using PoT.Protocol;
using PoT.Specs.Support;
using Xunit;

namespace PoT.Specs.Attacks;

/// <summary>
/// Finding 4 of "Protocol soundness I": a <c>groth16-sgd-v1</c> proof was bound to its provider only, replay was judged by
/// bundle hash, and every accepted proof scored a flat 1,000,000. Each attack below passed before; now the proof is
/// bound to its agent and round, replay is judged by the public signals, and the score is the opened model's R² on the
/// validator's own held-out rows (docs/security.md, "Zero-knowledge proofs").
/// </summary>
public sealed class ZkProofAttackSpecs : IDisposable
{
    private static readonly SgdStepProof Honest = ZkFiles.Committed();
    private static readonly SgdStepProof Useless = ZkFiles.Useless();
    private static readonly ProofsOptions Options = PotConfig.Load().Proofs;
    private static readonly LinearTask Task = Options.LinearTasks[ZkFiles.Task];
    private static readonly HexBytes Seed = HexBytes.From(Keccak.Hash([4]));

    private readonly TempDir _dir = new();
    private readonly ProofStore _store;

    public ZkProofAttackSpecs() => _store = new ProofStore(_dir.File("proofs"));

    public void Dispose() => _dir.Dispose();

    private static ProofCheck Round(IProofBundle bundle, string agentId = "agent-1", string? roundId = null) =>
        new(roundId ?? ZkFiles.Round, SgdStepProof.Kind, bundle.Hash(), Keys.Alice.Address, agentId, Seed, Keys.Carol.Address);

    /// <summary>Stores the bundle (as a provider's upload does) and checks it as a validator's duty does.</summary>
    private ProofVerdict Submit(SgdStepProof bundle, JudgedProofs? judged = null, string agentId = "agent-1", string? roundId = null)
    {
        _store.Put(bundle);
        return new ProofChecker(_store, Options).Check(Round(bundle, agentId, roundId), judged ?? JudgedProofs.None);
    }

    /// <summary>The proof the duty has seen judged in an earlier round, as its fold records it.</summary>
    private JudgedProofs Judged(SgdStepProof bundle) => JudgedProofs.None.Add(_store.Put(bundle), SgdStepProof.Kind);

    /// <summary>Groth16 re-randomisation: A' = r·A, B' = r⁻¹·B, C unchanged, so e(A', B') = e(A, B) and the pairing
    /// equation still holds for the same public signals — a new proof of the same statement, made without the witness.</summary>
    private static Groth16Proof Rerandomise(Groth16Proof p, BigInteger r)
    {
        var inverse = BigInteger.ModPow(r, Bn254.ScalarOrder - 2, Bn254.ScalarOrder);
        var a = Bn254.ToG1(p.A).Multiply(Bn254.Bc(r)).Normalize();
        var b = new TwistPoint().ScalarMul(Bn254.ToTwist(p.B), Bn254.Bc(inverse)).MakeAffine();
        static BigInteger N(Org.BouncyCastle.Math.BigInteger v) => BigInteger.Parse(v.ToString());
        // Nethereum's Fp2 keeps the imaginary part in A and the real part in B.
        return p with
        {
            A = new G1Point(N(a.AffineXCoord.ToBigInteger()), N(a.AffineYCoord.ToBigInteger())),
            B = new G2Point(N(b.X.B), N(b.X.A), N(b.Y.B), N(b.Y.A))
        };
    }

    [Fact]
    public void The_honest_committed_proof_scores_its_held_out_quality_not_the_maximum()
    {
        var verdict = Submit(Honest);

        Assert.True(verdict.Accepted, verdict.Reason);
        Assert.Equal(HeldOutScore.Of(Honest.Model.W, Honest.Model.B, Task.ChallengeSet(Keys.Carol.Address, Seed)), verdict.Score);
        Assert.InRange(verdict.Score, 900_000u, 999_999u);
        Assert.True(verdict.Score > Task.MinScore);
    }

    [Fact]
    public void A_valid_proof_of_a_useless_model_scores_low_and_is_refused_below_the_minimum()
    {
        Assert.True(Groth16.Verify(SgdStepCircuit.VerificationKey, Useless.Proof, Useless.PublicSignals).Valid);

        var verdict = Submit(Useless);

        Assert.Equal("below-minimum-accuracy", verdict.Code);
        Assert.Equal(HeldOutScore.Of(Useless.Model.W, Useless.Model.B, Task.ChallengeSet(Keys.Carol.Address, Seed)), verdict.Score);
        Assert.True(verdict.Score < Task.MinScore / 10, $"the useless model scored {verdict.Score}");
        Assert.Equal((Verdict.Reject, 0u), verdict.Vote);
    }

    [Fact]
    public void Handing_over_a_better_model_than_the_one_proven_is_refused_as_not_committed()
    {
        var verdict = Submit(Useless with { Model = Honest.Model });

        Assert.Equal("model-not-committed", verdict.Code);
        Assert.Equal(0u, verdict.Score);
    }

    [Fact]
    public void A_model_one_fixed_point_unit_off_its_commitment_is_refused_as_not_committed()
    {
        var nudged = Honest.Model with { B = Honest.Model.B + 1 };

        Assert.Equal("model-not-committed", Submit(Honest with { Model = nudged }).Code);
    }

    [Fact]
    public void A_proof_made_for_one_agent_and_submitted_for_another_is_refused_as_wrong_agent()
    {
        // Alice owns both agents: the provider binding alone would have let agent-1's proof list agent-2.
        var verdict = Submit(Honest, agentId: "agent-2", roundId: "agent-2.1");

        Assert.Equal("wrong-agent", verdict.Code);
        Assert.Contains("agent-2", verdict.Reason);
    }

    [Fact]
    public void Rewriting_the_agent_and_round_signals_to_the_new_target_breaks_the_pairing()
    {
        var rebound = Honest with
        {
            PublicSignals = Honest.PublicSignals.SetItem(6, SgdStepClaim.AgentField("agent-2")).SetItem(7, SgdStepClaim.RoundField("agent-2.1"))
        };

        Assert.Equal("groth16-invalid", Submit(rebound, agentId: "agent-2", roundId: "agent-2.1").Code);
    }

    [Theory]
    [InlineData("agent-1.2")]
    [InlineData("agent-1.1@devnet")]
    public void An_old_proof_submitted_in_another_round_is_refused_as_wrong_round(string roundId)
    {
        Assert.Equal("wrong-round", Submit(Honest, roundId: roundId).Code);
        // Re-randomised, and with its statement never recorded as judged (a duty that lost it), it still names its round.
        Assert.Equal("wrong-round", Submit(Honest with { Proof = Rerandomise(Honest.Proof, 7) }, roundId: roundId).Code);
    }

    [Fact]
    public void A_re_randomised_proof_of_a_judged_statement_passes_the_pairing_and_is_refused_as_a_replay()
    {
        var judged = Judged(Honest);
        var copy = Honest with { Proof = Rerandomise(Honest.Proof, BigInteger.Parse("123456789123456789123456789")) };

        Assert.NotEqual(Honest.Proof.A, copy.Proof.A);
        Assert.NotEqual(Honest.Hash(), copy.Hash());
        Assert.True(Groth16.Verify(SgdStepCircuit.VerificationKey, copy.Proof, copy.PublicSignals).Valid);
        // By bundle hash it is new: a replay check by bundle hash alone would have approved it.
        Assert.True(Submit(copy).Accepted);
        var verdict = Submit(copy, judged);
        Assert.Equal("replayed-proof", verdict.Code);
        Assert.Contains(Honest.ClaimKey().Value, verdict.Reason);
    }

    [Fact]
    public void The_same_statement_under_a_fresh_bundle_spelling_is_refused_as_a_replay()
    {
        var judged = Judged(Honest);
        var relabelled = Honest with { Task = "linear-2-resubmitted" };

        Assert.NotEqual(Honest.Hash(), relabelled.Hash());
        Assert.Equal(Honest.ClaimKey(), relabelled.ClaimKey());
        Assert.Equal("replayed-proof", Submit(relabelled, judged).Code);
    }

    [Fact]
    public void The_same_bundle_resubmitted_is_refused_as_a_replay()
    {
        Assert.Equal("replayed-proof", Submit(Honest, Judged(Honest)).Code);
    }

    [Fact]
    public void A_judged_statement_is_recognised_from_the_store_by_a_checker_that_never_saw_it()
    {
        var judged = Judged(Honest);
        var copy = Honest with { Proof = Rerandomise(Honest.Proof, 5) };
        _store.Put(copy);

        // A fresh checker (as after a node restart) reads the judged bundle's statement from the store.
        var verdict = new ProofChecker(new ProofStore(_store.Directory), Options).Check(Round(copy), judged);

        Assert.Equal("replayed-proof", verdict.Code);
    }
}
