using Akka.Configuration;

namespace PoT.Proofs;

/// <summary>
/// The most a <c>pol-v1</c> proof may declare (hocon/pot.conf, pot.proofs.limits). A manifest is only numbers the
/// provider chose, and the verifier's work grows with them (the batch schedule with epochs × rows, re-execution with
/// intervals × k × batch × parameters), so they are bounded before any of that work is done — at upload, at
/// submission and as the verifier's first check (docs/security.md, "poison proofs").
/// </summary>
public sealed record ProofLimits(
    int MaxDatasetRows,
    int MaxBatchSize,
    int MaxEpochs,
    int MaxFeatures,
    int MaxClasses,
    int MaxHidden,
    int MaxParameters,
    long MaxScheduledRows,
    int MaxCheckpoints,
    long MaxVerifyWork,
    double MaxLearningRate)
{
    /// <summary>Generous for the node's small models (the benchmark's 10 epochs × 10,000 rows of a 2,762-parameter MLP
    /// re-executes ≈ 3.5e7 multiply-adds), and small enough that the worst accepted proof verifies in seconds.</summary>
    public static readonly ProofLimits Default = new(
        MaxDatasetRows: 1_000_000, MaxBatchSize: 4096, MaxEpochs: 1000, MaxFeatures: 4096, MaxClasses: 1000, MaxHidden: 4096,
        MaxParameters: 1_000_000, MaxScheduledRows: 10_000_000, MaxCheckpoints: 100_000, MaxVerifyWork: 2_000_000_000, MaxLearningRate: 100);

    public static ProofLimits FromConfig(Config limits) => new(
        Positive(limits, "max-dataset-rows"), Positive(limits, "max-batch-size"), Positive(limits, "max-epochs"), Positive(limits, "max-features"),
        Positive(limits, "max-classes"), Positive(limits, "max-hidden"), Positive(limits, "max-parameters"), PositiveLong(limits, "max-scheduled-rows"),
        Positive(limits, "max-checkpoints"), PositiveLong(limits, "max-verify-work"), PositiveFinite(limits, "max-learning-rate"));

    private static int Positive(Config c, string key) =>
        c.GetInt(key) is var v && v > 0 ? v : throw new ConfigurationException($"pot.proofs.limits.{key} must be at least 1");

    private static long PositiveLong(Config c, string key) =>
        c.GetLong(key) is var v && v > 0 ? v : throw new ConfigurationException($"pot.proofs.limits.{key} must be at least 1");

    private static double PositiveFinite(Config c, string key) =>
        c.GetDouble(key) is var v && double.IsFinite(v) && v > 0 ? v : throw new ConfigurationException($"pot.proofs.limits.{key} must be a finite number above 0");
}
