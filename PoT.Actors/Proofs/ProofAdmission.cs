using PoT.Protocol;

namespace PoT.Proofs;

/// <summary>Why a proof is refused before any verification work: a stable code (<see cref="ErrorCodes"/>) and words.</summary>
public sealed record ProofProblem(string Code, string Message);

/// <summary>A bundle that cannot even be read as a proof: malformed, or holding a number that is not finite.</summary>
public sealed class ProofFormatException(string code, string message) : FormatException(message)
{
    public string Code { get; } = code;

    public static ProofFormatException NonFinite(string where) =>
        new(ErrorCodes.NonFiniteNumber, $"{where}: not a finite number (NaN and infinities are refused)");
}

/// <summary>
/// The checks a <c>pol-v1</c> proof passes before anyone spends work on it, the same at upload (PUT /v1/proofs), at
/// submission (SubmitTrainingProof) and as the verifier's first step: every number finite, every size positive and
/// within <see cref="ProofLimits"/>, the declared run consistent with itself (steps, checkpoints), and the verifier's
/// own work for it — the batch schedule and the re-executed intervals — within budget. A refusal names the first
/// problem found.
/// </summary>
public static class ProofAdmission
{
    public static ProofProblem? Problem(IProofBundle bundle, VerifierPolicy policy) => bundle switch
    {
        TrainingRecord training => Problem(training, policy),
        _ => null
    };

    /// <summary>A whole uploaded training record: the log, and the dataset it carries.</summary>
    public static ProofProblem? Problem(TrainingRecord record, VerifierPolicy policy)
    {
        if (Problem((IProofSource)record, policy) is { } problem) return problem;
        var m = record.Manifest;
        var rows = record.Dataset.Rows;
        if (rows.Length != m.DatasetRows)
            return Malformed($"the bundle carries {rows.Length} dataset rows, the manifest declares {m.DatasetRows}");
        for (var i = 0; i < rows.Length; i++)
            if (RowProblem(rows[i], i, m.Plan.Model) is { } bad) return bad;
        return null;
    }

    /// <summary>The manifest and the checkpoint log (all a verifier holds before it opens rows).</summary>
    public static ProofProblem? Problem(IProofSource source, VerifierPolicy policy)
    {
        var m = source.Manifest;
        if (ManifestProblem(m, policy) is { } problem) return problem;
        var checkpoints = source.Checkpoints;
        if (checkpoints.Count != m.Checkpoints)
            return new(ErrorCodes.MalformedLog, $"the log holds {checkpoints.Count} checkpoints, the manifest declares {m.Checkpoints}");
        var parameters = m.Plan.Model.ParameterCount;
        for (var i = 0; i < checkpoints.Count; i++)
        {
            var weights = checkpoints[i].Weights;
            if (weights.Length != parameters) return new(ErrorCodes.MalformedLog, $"checkpoint {i} holds {weights.Length} weights; the model has {parameters}");
            for (var j = 0; j < weights.Length; j++)
                if (!double.IsFinite(weights[j])) return NonFinite($"checkpoint {i}, weight {j}");
        }
        return null;
    }

    /// <summary>The declared numbers alone: finite, in range, self-consistent, and cheap enough to check.</summary>
    public static ProofProblem? ManifestProblem(ProofManifest m, VerifierPolicy policy)
    {
        var limits = policy.Limits;
        var plan = m.Plan;
        var model = plan.Model;
        if (!double.IsFinite(plan.LearningRate)) return NonFinite("plan.learningRate");
        if (!double.IsFinite(m.Tolerance)) return NonFinite("tolerance");
        // Written so that anything not strictly inside the range (NaN included) is refused.
        if (!(plan.LearningRate > 0 && plan.LearningRate <= limits.MaxLearningRate))
            return OverOrMalformed(plan.LearningRate > limits.MaxLearningRate, $"plan.learningRate: above 0, at most {limits.MaxLearningRate}");
        if (!(m.Tolerance >= 0)) return Malformed("tolerance: at least 0");
        if (!Enum.IsDefined(model.Kind)) return Malformed($"plan.model.kind: {(int)model.Kind} is no model kind");
        if (Range(model.Features, 1, limits.MaxFeatures, "plan.model.features") is { } features) return features;
        if (Range(model.Classes, 2, limits.MaxClasses, "plan.model.classes") is { } classes) return classes;
        if (model.Kind == ModelKind.Softmax && model.Hidden != 0) return Malformed("plan.model.hidden: 0 for a softmax model");
        if (model.Kind == ModelKind.Mlp && Range(model.Hidden, 1, limits.MaxHidden, "plan.model.hidden") is { } hidden) return hidden;
        // Within the limits above the count cannot overflow a long; it can exceed an int.
        var parameters = model.Kind == ModelKind.Softmax
            ? (long)model.Classes * model.Features + model.Classes
            : (long)model.Hidden * model.Features + model.Hidden + (long)model.Classes * model.Hidden + model.Classes;
        if (parameters > limits.MaxParameters) return OverBudget($"the model has {parameters} parameters; at most {limits.MaxParameters}");
        if (Range(m.DatasetRows, 1, limits.MaxDatasetRows, "datasetRows") is { } rows) return rows;
        if (Range(plan.BatchSize, 1, Math.Min(limits.MaxBatchSize, m.DatasetRows), "plan.batchSize") is { } batch) return batch;
        if (Range(plan.Epochs, 1, limits.MaxEpochs, "plan.epochs") is { } epochs) return epochs;
        var scheduled = (long)plan.Epochs * m.DatasetRows;
        if (scheduled > limits.MaxScheduledRows)
            return OverBudget($"{plan.Epochs} epochs × {m.DatasetRows} rows = {scheduled} scheduled rows; at most {limits.MaxScheduledRows}");
        var steps = plan.Steps(m.DatasetRows);
        if (m.TotalSteps != steps) return Malformed($"totalSteps: {m.TotalSteps}, but {plan.Epochs} epochs of {m.DatasetRows} rows in batches of {plan.BatchSize} make {steps}");
        if (Range(plan.CheckpointEvery, 1, int.MaxValue, "plan.checkpointEvery") is { } every) return every;
        var checkpoints = plan.Checkpoints(steps);
        if (m.Checkpoints != checkpoints) return Malformed($"checkpoints: {m.Checkpoints}, but {steps} steps checkpointed every {plan.CheckpointEvery} make {checkpoints}");
        if (checkpoints > limits.MaxCheckpoints) return OverBudget($"{checkpoints} checkpoints; at most {limits.MaxCheckpoints}");
        // The verifier re-runs at most (top + sampled) intervals of k steps, each over a batch, each touching every parameter.
        var work = (Int128)Math.Min(policy.TopIntervals + policy.SampledIntervals, checkpoints - 1) * Math.Min(plan.CheckpointEvery, steps)
                   * plan.BatchSize * parameters;
        if (work > limits.MaxVerifyWork)
            return OverBudget($"re-executing this log costs {work} multiply-adds; this validator checks at most {limits.MaxVerifyWork}");
        return null;
    }

    /// <summary>An opened dataset row the model can be run on: the model's feature count, finite features, a label of
    /// one of its classes.</summary>
    public static ProofProblem? RowProblem(Example row, int index, ModelSpec model)
    {
        if (row.Features.Length != model.Features) return Malformed($"dataset row {index} has {row.Features.Length} features; the model takes {model.Features}");
        if (row.Label < 0 || row.Label >= model.Classes) return Malformed($"dataset row {index} has label {row.Label}; the model has classes 0–{model.Classes - 1}");
        for (var f = 0; f < row.Features.Length; f++)
            if (!double.IsFinite(row.Features[f])) return NonFinite($"dataset row {index}, feature {f}");
        return null;
    }

    private static ProofProblem? Range(long value, long min, long max, string field) =>
        value >= min && value <= max ? null : OverOrMalformed(value > max && value >= min, $"{field}: {value}, expected {min} to {max}");

    private static ProofProblem OverOrMalformed(bool over, string message) => over ? OverBudget(message) : Malformed(message);

    private static ProofProblem Malformed(string message) => new(ErrorCodes.MalformedProof, message);

    private static ProofProblem OverBudget(string message) => new(ErrorCodes.ProofOverBudget, message);

    private static ProofProblem NonFinite(string where) => new(ErrorCodes.NonFiniteNumber, $"{where}: not a finite number (NaN and infinities are refused)");
}
