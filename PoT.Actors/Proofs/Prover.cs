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
        var manifest = new ProofManifest(ProofManifest.Kind, provider, agentId, task, modelName, plan, dataset.Tree().Root, dataset.Rows.Length,
            new MerkleTree(log.Select(c => c.Bytes())).Root, log.Length, schedule.Length, log[^1].WeightsHash(),
            Model.Accuracy(plan.Model, weights, evaluation?.Rows ?? dataset.Rows), tolerance, DeterminismEnvelope.Current);
        return new TrainingRecord(manifest, log, dataset);
    }
}
