using System.Collections.Immutable;
using System.Diagnostics;
using System.Numerics;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using PoT.Protocol;

namespace PoT.Proofs;

/// <summary>
/// The public claim of zk/circuits/sgd_step.circom, in the order snarkjs lists its public signals (outputs, then public
/// inputs): commitments to the weights before and after one SGD step and to the batch, the learning rate's numerator
/// (over 2^8), the batch-loss bound, and the provider the proof is bound to.
/// </summary>
public sealed record SgdStepClaim(BigInteger CommitBefore, BigInteger CommitAfter, BigInteger CommitBatch, BigInteger LrNum, BigInteger LossThreshold,
    BigInteger Provider)
{
    public const int Signals = 6;

    public static SgdStepClaim From(IReadOnlyList<BigInteger> s) => new(s[0], s[1], s[2], s[3], s[4], s[5]);

    public static BigInteger AddressAsField(Address address) => new(address.ToBytes(), isUnsigned: true, isBigEndian: true);
}

/// <summary>
/// A Groth16 proof of one SGD step, as snarkjs writes it (proof.json and public.json), in one document. Its hash is
/// keccak256 of a normalised form (decimal coordinates, affine, fixed key order), so two spellings of one proof are one
/// proof.
/// </summary>
public sealed record SgdStepProof(Groth16Proof Proof, ImmutableArray<BigInteger> PublicSignals) : IProofBundle
{
    public const string Kind = "groth16-sgd-v1";

    string IProofBundle.Kind => Kind;

    public SgdStepClaim Claim => SgdStepClaim.From(PublicSignals);

    public static SgdStepProof FromSnarkJs(JObject proof, JArray publicSignals) =>
        publicSignals.Count == SgdStepClaim.Signals
            ? new(Groth16Proof.FromSnarkJs(proof), [.. publicSignals.Select(s => BigInteger.Parse((string)s!))])
            : throw new FormatException($"publicSignals: {publicSignals.Count} values; the SGD-step circuit has {SgdStepClaim.Signals}");

    /// <summary>Reads the bundle form: {"kind": "groth16-sgd-v1", "proof": {…snarkjs…}, "publicSignals": [...]}.</summary>
    public static SgdStepProof FromBundle(JObject bundle) =>
        FromSnarkJs((JObject?)bundle["proof"] ?? throw new FormatException("proof: missing"),
            (JArray?)bundle["publicSignals"] ?? throw new FormatException("publicSignals: missing"));

    public JObject ToBundle() => new()
    {
        ["kind"] = Kind,
        ["proof"] = new JObject
        {
            ["pi_a"] = G1(Proof.A),
            ["pi_b"] = new JArray(new JArray(Proof.B.XReal.ToString(), Proof.B.XImaginary.ToString()),
                new JArray(Proof.B.YReal.ToString(), Proof.B.YImaginary.ToString()), new JArray("1", "0")),
            ["pi_c"] = G1(Proof.C),
            ["protocol"] = "groth16",
            ["curve"] = "bn128"
        },
        ["publicSignals"] = new JArray(PublicSignals.Select(s => s.ToString()))
    };

    public HexBytes Hash() => HexBytes.From(Keccak.Hash(System.Text.Encoding.UTF8.GetBytes(ToBundle().ToString(Formatting.None))));

    private static JArray G1(G1Point p) => new(p.X.ToString(), p.Y.ToString(), "1");
}

/// <summary>The circuit's verification key, committed in zk/build and embedded here.</summary>
public static class SgdStepCircuit
{
    private static readonly Lazy<VerificationKey> Key = new(() =>
    {
        using var stream = typeof(SgdStepCircuit).Assembly.GetManifestResourceStream("zk/sgd_step.vkey.json")
            ?? throw new InvalidOperationException("the SGD-step verification key is not embedded");
        using var reader = new StreamReader(stream);
        return VerificationKey.FromSnarkJs(JObject.Parse(reader.ReadToEnd()));
    });

    public static VerificationKey VerificationKey => Key.Value;
}

/// <summary>What a validator demands of an SGD-step proof beyond its validity: the largest loss bound it accepts and the
/// range of learning rates (numerators over 2^8) it accepts.</summary>
public sealed record SgdStepPolicy(BigInteger MaxLossThreshold, int MinLearningRate, int MaxLearningRate)
{
    public static readonly SgdStepPolicy Default = new(BigInteger.Pow(2, 40), 1, 255);
}

/// <summary>
/// Verifies an SGD-step proof for a round: the pairing check against the committed verification key, then that the
/// proof names the round's provider, that its loss bound and learning rate are ones the validator accepts, and that it
/// was not submitted before. The circuit proves the step exactly, so an accepted proof scores the full million; it
/// says nothing about held-out quality (docs/proof-of-training.md).
/// </summary>
public static class SgdStepVerifier
{
    public static ProofVerdict Verify(VerificationKey key, SgdStepProof proof, Address provider, IReadOnlySet<HexBytes> seenProofs, SgdStepPolicy policy)
    {
        var stopwatch = Stopwatch.StartNew();
        ProofVerdict Refuse(string code, string reason) => ProofVerdict.Refused(code, reason, stopwatch.Elapsed);

        if (proof.PublicSignals.Length != SgdStepClaim.Signals)
            return Refuse("malformed-proof", $"{proof.PublicSignals.Length} public signals; the SGD-step circuit has {SgdStepClaim.Signals}");
        var claim = proof.Claim;
        if (claim.Provider != SgdStepClaim.AddressAsField(provider))
            return Refuse("not-bound-to-provider", $"the proof is bound to 0x{claim.Provider.ToString("x").TrimStart('0').PadLeft(40, '0')}, the round's provider is {provider}");
        if (seenProofs.Contains(proof.Hash())) return Refuse("replayed-proof", $"proof {proof.Hash()} was already submitted in an earlier round");
        var check = Groth16.Verify(key, proof.Proof, proof.PublicSignals);
        if (!check.Valid) return Refuse("groth16-invalid", check.Reason);
        if (claim.LossThreshold > policy.MaxLossThreshold)
            return Refuse("loss-bound-too-loose", $"the proven loss bound {claim.LossThreshold} exceeds the accepted {policy.MaxLossThreshold}");
        if (claim.LrNum < policy.MinLearningRate || claim.LrNum > policy.MaxLearningRate)
            return Refuse("learning-rate-not-accepted", $"learning rate {claim.LrNum}/256 is not one this validator accepts");
        return new ProofVerdict(true, "ok", $"Groth16 proof of one SGD step, loss ≤ {claim.LossThreshold}, learning rate {claim.LrNum}/256", 1_000_000,
            [], 1, 1, stopwatch.Elapsed);
    }
}

/// <summary>
/// The circuit's commitments, computed outside it (a provider needs them to publish what it proves; the specs check
/// that the circuit and Nethereum's Poseidon agree): weights = Poseidon(Poseidon(w₀, w₁, b), salt), batch =
/// Poseidon(x…, y…, salt, 0) of 14 inputs. Negative fixed-point values are taken modulo the scalar field, as in the circuit.
/// </summary>
public static class SgdStepCommitments
{
    public static BigInteger Weights(IReadOnlyList<BigInteger> w, BigInteger b, BigInteger salt)
    {
        var inner = new Nethereum.Util.PoseidonHasher(Nethereum.Util.PoseidonParameterPreset.CircomT3).Hash([.. w.Select(Field), Field(b)]);
        return new Nethereum.Util.PoseidonHasher(Nethereum.Util.PoseidonParameterPreset.CircomT2).Hash([inner, Field(salt)]);
    }

    public static BigInteger Batch(IReadOnlyList<IReadOnlyList<BigInteger>> x, IReadOnlyList<BigInteger> y, BigInteger salt)
    {
        var inputs = x.SelectMany(row => row).Concat(y).Append(salt).Select(Field).ToList();
        while (inputs.Count < 14) inputs.Add(BigInteger.Zero);
        return new Nethereum.Util.PoseidonHasher(Nethereum.Util.PoseidonParameterPreset.CircomT14).Hash([.. inputs]);
    }

    private static BigInteger Field(BigInteger v) => (v % Bn254.ScalarOrder + Bn254.ScalarOrder) % Bn254.ScalarOrder;
}
