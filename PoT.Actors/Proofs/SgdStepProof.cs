using System.Collections.Immutable;
using System.Globalization;
using System.Numerics;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using PoT.Protocol;

namespace PoT.Proofs;

/// <summary>
/// The opening of <c>commitAfter</c>: the trained model (two weights and a bias, fixed point over 2^8) and the salt.
/// The proof keeps the model hidden; the bundle hands it to validators, who check it against the commitment and
/// score it on their own held-out data. Values are canonical — weights signed 32-bit integers as the circuit
/// range-checks them, the salt a field element — so one model has one spelling.
/// </summary>
public sealed record SgdStepModel(ImmutableArray<BigInteger> W, BigInteger B, BigInteger Salt)
{
    public const int Features = 2;

    private static readonly BigInteger Int32Min = int.MinValue, Int32Max = int.MaxValue;

    /// <summary>What makes this opening unusable, or null: the one rule the bundle parser and the verifier share.</summary>
    public string? Problem()
    {
        if (W.IsDefault || W.Length != Features) return $"model.w: {(W.IsDefault ? 0 : W.Length)} weights; the SGD-step circuit's model has {Features}";
        if (W.Append(B).Any(v => v < Int32Min || v > Int32Max)) return "model: weights and bias are signed 32-bit fixed-point integers, as the circuit checks them";
        if (Salt.Sign < 0 || Salt >= Bn254.ScalarOrder) return "model.salt: not an element of the scalar field";
        return null;
    }

    public bool Opens(BigInteger commitment) => SgdStepCommitments.Weights(W, B, Salt) == commitment;

    public JObject ToJson() => new() { ["w"] = new JArray(W.Select(v => v.ToString())), ["b"] = B.ToString(), ["salt"] = Salt.ToString() };

    public static SgdStepModel FromJson(JObject model) => new(
        [.. ((JArray?)model["w"] ?? throw new FormatException("model.w: missing")).Select(v => Number(v, "model.w"))],
        Number(model["b"], "model.b"), Number(model["salt"], "model.salt"));

    /// <summary>The opening a prover's witness input holds (zk/gen_input.js writes it): wNext, bNext and saltAfter. The
    /// rest of the input — the batch, the weights before — is private and never read here.</summary>
    public static SgdStepModel FromWitnessInput(JObject input) => new(
        [.. ((JArray?)input["wNext"] ?? throw new FormatException("wNext: missing")).Select(v => Number(v, "wNext"))],
        Number(input["bNext"], "bNext"), Number(input["saltAfter"], "saltAfter"));

    internal static BigInteger Number(JToken? token, string what) =>
        token is { Type: JTokenType.String or JTokenType.Integer } && BigInteger.TryParse(token.ToString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v)
            ? v
            : throw new FormatException($"{what}: a decimal integer is expected");
}

/// <summary>
/// A Groth16 proof of one SGD step in one document: the proof and public signals as snarkjs writes them (proof.json,
/// public.json), the task the model is to be scored on, and the opening of the model it commits to. Its hash is keccak256
/// of a normalised form (decimal coordinates, affine, fixed key order), so two spellings of one bundle are one bundle;
/// replay is judged by <see cref="ClaimKey"/>, the statement, not by the bundle.
/// </summary>
public sealed record SgdStepProof(Groth16Proof Proof, ImmutableArray<BigInteger> PublicSignals, string Task, SgdStepModel Model) : IProofBundle
{
    public const string Kind = "groth16-sgd-v1";

    string IProofBundle.Kind => Kind;

    public SgdStepClaim Claim => SgdStepClaim.From(PublicSignals);

    /// <summary>keccak of the public signals (<see cref="SgdStepClaim.Key"/>): what a validator records as judged.</summary>
    public HexBytes ClaimKey() => SgdStepClaim.Key(PublicSignals);

    public static SgdStepProof FromSnarkJs(JObject proof, JArray publicSignals, string task, SgdStepModel model)
    {
        if (publicSignals.Count != SgdStepClaim.Signals)
            throw new FormatException($"publicSignals: {publicSignals.Count} values; the SGD-step circuit has {SgdStepClaim.Signals}");
        if (task.Length is 0 or > 64 || !task.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '.' or '_'))
            throw new FormatException($"task: '{task}' is not a task name (1–64 of a-z, 0-9, '-', '.', '_')");
        if (model.Problem() is { } problem) throw new FormatException(problem);
        ImmutableArray<BigInteger> signals = [.. publicSignals.Select(s => SgdStepModel.Number(s, "publicSignals"))];
        if (signals.Any(s => s.Sign < 0 || s >= Bn254.ScalarOrder)) throw new FormatException("publicSignals: every value must be an element of the scalar field");
        return new(Groth16Proof.FromSnarkJs(proof), signals, task, model);
    }

    /// <summary>Reads the bundle form: {"kind": "groth16-sgd-v1", "task": "linear-2", "proof": {…snarkjs…},
    /// "publicSignals": [...], "model": {"w": [...], "b": "…", "salt": "…"}}.</summary>
    public static SgdStepProof FromBundle(JObject bundle) =>
        FromSnarkJs((JObject?)bundle["proof"] ?? throw new FormatException("proof: missing"),
            (JArray?)bundle["publicSignals"] ?? throw new FormatException("publicSignals: missing"),
            (string?)bundle["task"] ?? throw new FormatException("task: missing"),
            SgdStepModel.FromJson((JObject?)bundle["model"] ?? throw new FormatException("model: missing (the opening of commitAfter)")));

    public JObject ToBundle() => new()
    {
        ["kind"] = Kind,
        ["task"] = Task,
        ["proof"] = new JObject
        {
            ["pi_a"] = G1(Proof.A),
            ["pi_b"] = new JArray(new JArray(Proof.B.XReal.ToString(), Proof.B.XImaginary.ToString()),
                new JArray(Proof.B.YReal.ToString(), Proof.B.YImaginary.ToString()), new JArray("1", "0")),
            ["pi_c"] = G1(Proof.C),
            ["protocol"] = "groth16",
            ["curve"] = "bn128"
        },
        ["publicSignals"] = new JArray(PublicSignals.Select(s => s.ToString())),
        ["model"] = Model.ToJson()
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

/// <summary>
/// The circuit's commitments, computed outside it (a validator checks the model opening with them; the specs check
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
