using System.Collections.Immutable;
using Newtonsoft.Json.Linq;
using PoT.Persistence;
using PoT.Protocol;

namespace PoT.Proofs;

/// <summary>What a proof package declares about the runtime whose arithmetic its log was produced with.</summary>
public sealed record DeterminismEnvelope(string Runtime, string Architecture, string Arithmetic)
{
    public static DeterminismEnvelope Current => new(
        System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription,
        System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture.ToString(),
        "IEEE-754 float64, sequential loops, no SIMD, no fused multiply-add");
}

/// <summary>
/// The public part of a proof-of-training package: everything a validator needs to check the claim, none of the
/// data. Its keccak256 (over canonical JSON) is the proof hash submitted on chain; the package itself is stored
/// content-addressed (<see cref="ProofStore"/>), never in the journal.
/// </summary>
public sealed record ProofManifest(
    string Version,
    Address Provider,
    string AgentId,
    string Task,
    string ModelName,
    TrainingPlan Plan,
    HexBytes DatasetRoot,
    int DatasetRows,
    HexBytes CheckpointRoot,
    int Checkpoints,
    int TotalSteps,
    HexBytes FinalWeightsHash,
    uint ClaimedAccuracy,
    double Tolerance,
    DeterminismEnvelope Determinism)
{
    public const string Kind = "pol-v1";

    public string CanonicalJson() => PotJson.Serialize(this);

    public HexBytes Hash() => HexBytes.From(Keccak.Hash(System.Text.Encoding.UTF8.GetBytes(CanonicalJson())));

}

/// <summary>One row opened by the prover, with its path to the dataset root.</summary>
public sealed record RowOpening(Example Row, MerkleProof Proof);

/// <summary>What a verifier can ask of a prover: the manifest, the checkpoint log (weights and batch indices only),
/// and single rows with Merkle proofs. The dataset itself is never handed over.</summary>
public interface IProofSource
{
    ProofManifest Manifest { get; }

    IReadOnlyList<Checkpoint> Checkpoints { get; }

    RowOpening OpenRow(int index);
}

/// <summary>
/// A training run as its prover keeps it and uploads it: the manifest, the log, and the rows the verifier opens one at
/// a time with Merkle proofs. The bundle carries the rows so that any validator can answer its own openings; the
/// verifier only ever reads a row through <see cref="OpenRow"/>, so serving openings remotely changes no rule.
/// </summary>
public sealed class TrainingRecord(ProofManifest manifest, ImmutableArray<Checkpoint> checkpoints, Dataset dataset) : IProofSource, IProofBundle
{
    private readonly Lazy<MerkleTree> _tree = new(dataset.Tree);

    public ProofManifest Manifest { get; } = manifest;

    public IReadOnlyList<Checkpoint> Checkpoints => checkpoints;

    public Dataset Dataset => dataset;

    public double[] FinalWeights => [.. checkpoints[^1].Weights];

    public string Kind => ProofManifest.Kind;

    public HexBytes Hash() => Manifest.Hash();

    public RowOpening OpenRow(int index) =>
        index >= 0 && index < dataset.Rows.Length
            ? new(dataset.Rows[index], _tree.Value.Prove(index))
            : throw new ArgumentOutOfRangeException(nameof(index), $"row {index} of {dataset.Rows.Length}");

    public JObject ToBundle() => new()
    {
        ["kind"] = Kind,
        ["manifest"] = JObject.FromObject(Manifest, ProofCodec.Json),
        ["checkpoints"] = Convert.ToBase64String(ProofCodec.EncodeCheckpoints(checkpoints)),
        ["dataset"] = Convert.ToBase64String(ProofCodec.EncodeDataset(dataset))
    };

    public static TrainingRecord FromBundle(JObject bundle)
    {
        var manifest = (bundle["manifest"] as JObject ?? throw new FormatException("manifest: missing")).ToObject<ProofManifest>(ProofCodec.Json)
            ?? throw new FormatException("manifest: null");
        // JSON readers accept NaN and Infinity literals: refuse them before anything computes with them.
        if (!double.IsFinite(manifest.Plan.LearningRate)) throw ProofFormatException.NonFinite("manifest.plan.learningRate");
        if (!double.IsFinite(manifest.Tolerance)) throw ProofFormatException.NonFinite("manifest.tolerance");
        return new(manifest, ProofCodec.DecodeCheckpoints(Base64(bundle, "checkpoints")), ProofCodec.DecodeDataset(Base64(bundle, "dataset")));
    }

    private static byte[] Base64(JObject bundle, string field) =>
        Convert.FromBase64String((string?)bundle[field] ?? throw new FormatException($"{field}: missing"));
}
