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

    public static ProofManifest Parse(string json) => PotJson.Deserialize<ProofManifest>(json);
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

/// <summary>An honest training run: its data, its log, and the answers to a verifier's openings.</summary>
public sealed class TrainingRecord(ProofManifest manifest, ImmutableArray<Checkpoint> checkpoints, Dataset dataset, MerkleTree tree) : IProofSource
{
    public ProofManifest Manifest { get; } = manifest;

    public IReadOnlyList<Checkpoint> Checkpoints => checkpoints;

    public Dataset Dataset => dataset;

    public double[] FinalWeights => [.. checkpoints[^1].Weights];

    public RowOpening OpenRow(int index) => new(dataset.Rows[index], tree.Prove(index));
}
