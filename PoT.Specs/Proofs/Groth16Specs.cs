using System.Numerics;
using PoT.Proofs;
using PoT.Specs.Support;
using Xunit;

namespace PoT.Specs.Proofs;

/// <summary>The C# Groth16 verifier on the committed proof of one SGD step (zk/build), the circuit refusing to witness a
/// false step, and the witness generator agreeing with C# on every public value it derives.</summary>
public sealed class Groth16Specs
{
    private static readonly VerificationKey Key = VerificationKey.FromSnarkJs(ZkFiles.Json("build/verification_key.json"));
    private static readonly SgdStepProof Committed = ZkFiles.Committed();

    private static Groth16Result Verify(Groth16Proof proof, IReadOnlyList<BigInteger>? signals = null) =>
        Groth16.Verify(Key, proof, signals ?? Committed.PublicSignals);

    [Fact]
    public void The_committed_proof_verifies_against_the_embedded_key()
    {
        Assert.Equal(Key, SgdStepCircuit.VerificationKey with { IC = Key.IC });
        Assert.Equal(Key.IC.ToArray(), SgdStepCircuit.VerificationKey.IC.ToArray());
        Assert.Equal(Groth16Result.Ok, Verify(Committed.Proof));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    public void A_changed_public_input_fails(int index)
    {
        var signals = Committed.PublicSignals.SetItem(index, Committed.PublicSignals[index] + 1);

        var result = Verify(Committed.Proof, signals);

        Assert.False(result.Valid);
        Assert.Equal("the pairing equation does not hold", result.Reason);
    }

    [Fact]
    public void Swapped_points_fail()
    {
        var p = Committed.Proof;
        var b = p.B;

        Assert.False(Verify(p with { A = p.C, C = p.A }).Valid);
        // G2 coordinates in the other order (imaginary part first, as the EVM precompile writes them): off the twist.
        var swapped = Verify(p with { B = new G2Point(b.XImaginary, b.XReal, b.YImaginary, b.YReal) });
        Assert.False(swapped.Valid);
        Assert.Equal("proof point B is not in G2", swapped.Reason);
        Assert.False(Verify(p with { A = Bn254.Negate(p.A) }).Valid);
    }

    [Fact]
    public void Off_curve_points_fail_with_a_reason()
    {
        var p = Committed.Proof;

        Assert.Equal("proof point A is not on the curve", Verify(p with { A = p.A with { Y = p.A.Y + 1 } }).Reason);
        Assert.Equal("proof point C is not on the curve", Verify(p with { C = p.C with { X = Bn254.FieldModulus + p.C.X } }).Reason);
        Assert.Equal("proof point B is not in G2", Verify(p with { B = p.B with { YReal = p.B.YReal + 1 } }).Reason);
    }

    [Fact]
    public void A_public_signal_outside_the_scalar_field_fails()
    {
        var signals = Committed.PublicSignals.SetItem(3, Committed.PublicSignals[3] + Bn254.ScalarOrder);

        var result = Verify(Committed.Proof, signals);

        Assert.False(result.Valid);
        Assert.Contains("is not an element of the scalar field", result.Reason);
    }

    [Fact]
    public void The_wrong_number_of_public_signals_fails()
    {
        Assert.Contains("the key expects 8", Verify(Committed.Proof, Committed.PublicSignals.RemoveAt(7)).Reason);
    }

    [Fact]
    public void Poseidon_in_CSharp_reproduces_the_circuit_commitments()
    {
        var input = ZkFiles.Json("build/input.json");
        BigInteger N(Newtonsoft.Json.Linq.JToken t) => BigInteger.Parse((string)t!);
        var w = input["w"]!.Select(N).ToList();
        var wNext = input["wNext"]!.Select(N).ToList();
        var x = input["x"]!.Select(row => (IReadOnlyList<BigInteger>)row.Select(N).ToList()).ToList();

        var claim = Committed.Claim;

        Assert.Equal(claim.CommitBefore, SgdStepCommitments.Weights(w, N(input["b"]!), N(input["saltBefore"]!)));
        Assert.Equal(claim.CommitAfter, SgdStepCommitments.Weights(wNext, N(input["bNext"]!), N(input["saltAfter"]!)));
        Assert.Equal(claim.CommitBatch, SgdStepCommitments.Batch(x, input["y"]!.Select(N).ToList(), N(input["saltBatch"]!)));
        Assert.Equal(SgdStepClaim.AddressAsField(Keys.Alice.Address), claim.Provider);
        Assert.Equal(N(input["agent"]!), claim.Agent);
        Assert.Equal(N(input["round"]!), claim.Round);
    }

    [Fact]
    public void The_committed_proof_is_bound_to_agent_1_in_its_first_round()
    {
        Assert.Equal(SgdStepClaim.AgentField("agent-1"), Committed.Claim.Agent);
        Assert.Equal(SgdStepClaim.RoundField(ZkFiles.Round), Committed.Claim.Round);
        Assert.NotEqual(SgdStepClaim.RoundField("agent-1.2@acecab071d5c"), Committed.Claim.Round);
        Assert.NotEqual(SgdStepClaim.RoundField("agent-1.1"), Committed.Claim.Round);
    }

    [Theory]
    [InlineData("summarizer-1", "summarizer-1.7")]
    [InlineData("a", "a.1@devnet/with a network tag, and long enough that its keccak input spans two blocks of 136 bytes " +
        "so that the JavaScript sponge absorbs more than one block")]
    public void The_witness_generator_derives_agent_and_round_exactly_as_the_verifier_does(string agentId, string roundId)
    {
        var input = ZkFiles.Input("--agent", agentId, "--round", roundId);

        Assert.Equal(SgdStepClaim.AgentField(agentId), BigInteger.Parse((string)input["agent"]!));
        Assert.Equal(SgdStepClaim.RoundField(roundId), BigInteger.Parse((string)input["round"]!));
    }

    [Fact]
    public void The_honest_step_has_a_witness()
    {
        using var dir = new TempDir();

        var (exitCode, error) = ZkFiles.GenerateWitness(dir);

        Assert.True(exitCode == 0, error);
        Assert.True(new FileInfo(dir.File("witness.wtns")).Length > 0);
    }

    [Fact]
    public void A_wrong_step_fails_at_witness_generation()
    {
        using var dir = new TempDir();

        var (exitCode, error) = ZkFiles.GenerateWitness(dir, "--wrong-step");

        Assert.NotEqual(0, exitCode);
        Assert.Contains("Assert Failed", error);
        Assert.False(File.Exists(dir.File("witness.wtns")));
    }

    [Fact]
    public void A_loss_above_the_public_threshold_fails_at_witness_generation()
    {
        using var dir = new TempDir();
        var honestLoss = BigInteger.Parse((string)ZkFiles.Input()["lossThreshold"]!);

        var (exitCode, error) = ZkFiles.GenerateWitness(dir, "--loss-threshold", (honestLoss - 1).ToString());

        Assert.NotEqual(0, exitCode);
        Assert.Contains("Assert Failed", error);
    }
}
