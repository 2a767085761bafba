using System.Collections.Immutable;
using System.Diagnostics;
using PoT.Protocol;

namespace PoT.Proofs;

/// <summary>How strictly a validator checks a proof-of-training log, and the most it will spend on one.</summary>
public sealed record VerifierPolicy(int SampledIntervals, int TopIntervals, double MaxTolerance, ProofLimits Limits)
{
    /// <summary>Jia et al.'s reference verifier re-runs the top q = 2 intervals by update magnitude; we add 2 drawn by
    /// Fiat–Shamir, so a prover cannot know in advance which honest-looking intervals escape.</summary>
    public static readonly VerifierPolicy Default = new(SampledIntervals: 2, TopIntervals: 2, MaxTolerance: 1e-6, ProofLimits.Default);
}

/// <summary>What a task demands of any model listed for it (pot.proofs.tasks): a least amount of training, and a least
/// accuracy on the validator's challenge set (millionths). Neither may be 0: a zero-step log proves nothing, and a
/// model at chance serves nobody.</summary>
public sealed record TrainingRequirements(int MinSteps, uint MinAccuracy)
{
    public static readonly TrainingRequirements None = new(1, 0);
}

/// <summary>
/// The proof-of-training verifier (docs/proof-of-training.md). In order, it refuses a log that
/// 1. names another provider or agent, or was seen in an earlier round (replay);
/// 2. declares non-finite numbers, sizes out of range or more work than the policy's limits (<see cref="ProofAdmission"/>),
///    or fewer training steps than the task requires;
/// 3. does not hash to its checkpoint root, or is malformed (steps, sizes);
/// 4. does not start from the provider's own initial weights or follow the provider's own batch schedule (a log
///    copied from someone else fails here: both are derived from the provider's address);
/// 5. ends in weights other than the declared final weights;
/// then re-executes the sampled intervals — drawn by Fiat–Shamir from keccak(checkpoint root ‖ provider) plus the
/// top-q by update magnitude — from rows opened with Merkle proofs against the dataset root, and accepts only if
/// every re-execution lands within the tolerance. The score is the final model's accuracy on the validator's own
/// challenge set, which must reach the task's minimum. Every comparison is written to fail closed: NaN never passes.
/// </summary>
public static class PolVerifier
{
    public static ProofVerdict Verify(IProofSource source, Address provider, string agentId, IReadOnlySet<HexBytes> seenProofs,
        IReadOnlyList<Example> challengeSet, TrainingRequirements requirements, VerifierPolicy policy)
    {
        var stopwatch = Stopwatch.StartNew();
        var m = source.Manifest;
        var checkpoints = source.Checkpoints;
        var maxDistance = 0.0;
        ProofVerdict Reject(string code, string reason, ImmutableArray<int> intervals = default, int steps = 0) =>
            new(false, code, reason, 0, intervals.IsDefault ? [] : intervals, steps, m.TotalSteps, stopwatch.Elapsed, maxDistance);

        if (m.Version != ProofManifest.Kind) return Reject("wrong-proof-kind", $"version {m.Version}, expected {ProofManifest.Kind}");
        if (ProofBinding.Problem(m, provider, agentId) is { } unbound) return Reject(unbound.Code, unbound.Message);
        if (seenProofs.Contains(m.Hash())) return Reject("replayed-proof", $"proof {m.Hash()} was already submitted in an earlier round");
        if (ProofAdmission.Problem(source, policy) is { } problem) return Reject(problem.Code, problem.Message);
        if (m.TotalSteps < requirements.MinSteps)
            return Reject("insufficient-training", $"{m.TotalSteps} training steps; task '{m.Task}' requires at least {requirements.MinSteps}");

        var plan = m.Plan;
        var schedule = plan.Schedule(m.DatasetRows, provider);
        var expectedSteps = Enumerable.Range(0, (schedule.Length + plan.CheckpointEvery - 1) / plan.CheckpointEvery)
            .Select(i => i * plan.CheckpointEvery).Append(schedule.Length).Distinct().ToList();
        if (m.TotalSteps != schedule.Length || checkpoints.Count != expectedSteps.Count || m.Checkpoints != checkpoints.Count
            || checkpoints.Select(c => c.Step).SequenceEqual(expectedSteps) is false
            || checkpoints.Any(c => c.Weights.Length != plan.Model.ParameterCount))
            return Reject(ErrorCodes.MalformedLog, $"expected {expectedSteps.Count} checkpoints at every {plan.CheckpointEvery} steps of {schedule.Length}");
        if (new MerkleTree(checkpoints.Select(c => c.Bytes())).Root != m.CheckpointRoot)
            return Reject("checkpoint-root-mismatch", "the checkpoints do not hash to the declared checkpoint root");

        var initial = Model.Initialize(plan.Model, plan.InitSeed(provider));
        if (!initial.SequenceEqual(checkpoints[0].Weights))
            return Reject("not-bound-to-provider", "the log does not start from the initial weights derived from the provider's address");
        for (var i = 0; i < checkpoints.Count; i++)
        {
            var expected = schedule[checkpoints[i].Step..Math.Min(schedule.Length, checkpoints[i].Step + plan.CheckpointEvery)];
            if (checkpoints[i].NextBatches.Length != expected.Length || !checkpoints[i].NextBatches.Zip(expected).All(p => p.Item1.SequenceEqual(p.Item2)))
                return Reject("schedule-mismatch", $"checkpoint {i} lists batches other than the provider's own schedule");
        }
        if (checkpoints[^1].WeightsHash() != m.FinalWeightsHash)
            return Reject("final-weights-not-from-log", "the declared final weights are not those of the last checkpoint");

        var intervals = ChooseIntervals(m, checkpoints, provider, policy);
        var tolerance = Math.Min(m.Tolerance, policy.MaxTolerance);
        var reexecuted = 0;
        var rows = new Dictionary<int, Example>();
        foreach (var interval in intervals)
        {
            var start = checkpoints[interval];
            // Open each row this interval needs once, and check the openings together against the dataset root.
            var openings = start.NextBatches.SelectMany(b => b).Distinct().Where(i => !rows.ContainsKey(i))
                .Select(i => (Index: i, Opening: source.OpenRow(i))).ToList();
            if (!MerkleTree.VerifyMany(m.DatasetRoot, m.DatasetRows, [.. openings.Select(o => (o.Index, o.Opening.Row.Bytes(), o.Opening.Proof))]))
                return Reject("dataset-proof-invalid", $"rows opened for interval {interval} do not verify against the dataset root", intervals, reexecuted);
            foreach (var (index, opening) in openings)
            {
                if (ProofAdmission.RowProblem(opening.Row, index, plan.Model) is { } bad) return Reject(bad.Code, bad.Message, intervals, reexecuted);
                rows[index] = opening.Row;
            }
            var weights = start.Weights.ToArray();
            foreach (var batch in start.NextBatches)
            {
                Model.Step(plan.Model, weights, [.. batch.Select(i => rows[i])], plan.LearningRate);
                reexecuted++;
            }
            var distance = WeightDistance.Of(weights, checkpoints[interval + 1].Weights);
            maxDistance = Math.Max(maxDistance, distance);
            if (!(distance <= tolerance))
                return Reject("reexecution-mismatch",
                    $"re-running interval {interval} (steps {start.Step}–{checkpoints[interval + 1].Step}) lands {distance:E2} from the next checkpoint (tolerance {tolerance:G3})",
                    intervals, reexecuted);
        }

        if (challengeSet.FirstOrDefault(e => e.Features.Length != plan.Model.Features) is { } unlike)
            return Reject("task-mismatch", $"the model takes {plan.Model.Features} features; task '{m.Task}' has {unlike.Features.Length}", intervals, reexecuted);
        var score = Model.Accuracy(plan.Model, [.. checkpoints[^1].Weights], challengeSet);
        if (!(score >= requirements.MinAccuracy))
            return new ProofVerdict(false, "below-minimum-accuracy",
                $"accuracy {score / 1e4:F2} % on the challenge set; task '{m.Task}' requires {requirements.MinAccuracy / 1e4:F2} %", score, intervals, reexecuted,
                m.TotalSteps, stopwatch.Elapsed, maxDistance);
        return new ProofVerdict(true, "ok", $"{intervals.Length} intervals re-executed within {tolerance:G3}; challenge accuracy {score / 1e4:F2} %",
            score, intervals, reexecuted, m.TotalSteps, stopwatch.Elapsed, maxDistance);
    }

    /// <summary>Intervals i (checkpoint i → i + 1) to re-execute: the top-q by update magnitude, then Fiat–Shamir draws
    /// from keccak(checkpoint root ‖ provider ‖ counter) until the policy's count is met.</summary>
    public static ImmutableArray<int> ChooseIntervals(ProofManifest m, IReadOnlyList<Checkpoint> checkpoints, Address provider, VerifierPolicy policy)
    {
        var count = checkpoints.Count - 1;
        if (count <= 0) return [];
        var chosen = new SortedSet<int>(Enumerable.Range(0, count)
            .OrderByDescending(i => WeightDistance.L2(checkpoints[i + 1].Weights, checkpoints[i].Weights)).ThenBy(i => i)
            .Take(policy.TopIntervals));
        var wanted = Math.Min(count, policy.TopIntervals + policy.SampledIntervals);
        var seed = Keccak.Hash(m.CheckpointRoot.ToBytes(), provider.ToBytes());
        for (uint counter = 0; chosen.Count < wanted; counter++)
        {
            var draw = Keccak.Hash(seed, BitConverter.GetBytes(counter));
            chosen.Add((int)(SplitMix64.SeedFrom(draw) % (ulong)count));
        }
        return [.. chosen];
    }
}
