using System.Collections.Immutable;
using PoT.Protocol;

namespace PoT.Proofs;

/// <summary>
/// Trains a model deterministically and records the proof-of-training log: a checkpoint every k steps (weights,
/// step, the batches until the next one), the dataset committed by a Merkle root over its rows, the log by a
/// Merkle root over its checkpoints, and the final weights by their hash.
/// </summary>
public static class Prover
{
    public static TrainingRecord Train(Dataset dataset, TrainingPlan plan, Address provider, string agentId, string task, string modelName,
        Dataset? evaluation = null, double tolerance = 1e-9, Action<int, int>? progress = null)
    {
        var schedule = plan.Schedule(dataset.Rows.Length, provider);
        var weights = Model.Initialize(plan.Model, plan.InitSeed(provider));
        var checkpoints = ImmutableArray.CreateBuilder<Checkpoint>();
        for (var step = 0; step <= schedule.Length; step++)
        {
            if (step % plan.CheckpointEvery == 0 || step == schedule.Length)
                checkpoints.Add(new Checkpoint(step, [.. weights], schedule[step..Math.Min(schedule.Length, step + plan.CheckpointEvery)]));
            if (step == schedule.Length) break;
            if (step % plan.CheckpointEvery == 0) progress?.Invoke(step, schedule.Length);
            Model.Step(plan.Model, weights, [.. schedule[step].Select(i => dataset.Rows[i])], plan.LearningRate);
        }
        var log = checkpoints.ToImmutable();
        // The run declares what Declared computed beforehand: one arithmetic, so the pre-flight check cannot drift from the run.
        System.Diagnostics.Debug.Assert(log.Length == Declared(dataset.Rows.Length, plan).Checkpoints);
        var manifest = new ProofManifest(ProofManifest.Kind, provider, agentId, task, modelName, plan, dataset.Tree().Root, dataset.Rows.Length,
            new MerkleTree(log.Select(c => c.Bytes())).Root, log.Length, schedule.Length, log[^1].WeightsHash(),
            Model.Accuracy(plan.Model, weights, evaluation?.Rows ?? dataset.Rows), tolerance, DeterminismEnvelope.Current);
        return new TrainingRecord(manifest, log, dataset);
    }

    /// <summary>What a run of <paramref name="plan"/> over <paramref name="rows"/> rows will declare — its steps and
    /// checkpoints — computed without building the schedule, so `pot proof train` checks a plan against the validators'
    /// limits (<see cref="ProofAdmission.ManifestProblem"/>) before it spends memory and hours on one they would refuse.
    /// Counts beyond an int saturate (such a plan is over every limit).</summary>
    public static (int Steps, int Checkpoints) Declared(int rows, TrainingPlan plan)
    {
        if (rows < 1 || plan.BatchSize < 1 || plan.Epochs < 1 || plan.CheckpointEvery < 1) return (0, 0);
        var steps = plan.Steps(rows);
        var checkpoints = plan.Checkpoints(steps);
        return ((int)Math.Min(steps, int.MaxValue), (int)Math.Min(checkpoints, int.MaxValue));
    }

    /// <summary>The manifest a run would write, with zero commitments: enough for the pre-flight check.</summary>
    public static ProofManifest Planned(int rows, TrainingPlan plan, Address provider, string agentId, string task, string modelName, double tolerance = 1e-9)
    {
        var (steps, checkpoints) = Declared(rows, plan);
        var zero = HexBytes.From(new byte[32]);
        return new ProofManifest(ProofManifest.Kind, provider, agentId, task, modelName, plan, zero, rows, zero, checkpoints, steps, zero, 0, tolerance,
            DeterminismEnvelope.Current);
    }
}
