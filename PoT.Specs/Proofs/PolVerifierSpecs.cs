using System.Collections.Immutable;
using PoT.Consensus;
using PoT.Proofs;
using PoT.Protocol;
using PoT.Specs.Support;
using Xunit;

namespace PoT.Specs.Proofs;

/// <summary>
/// The proof-of-learning verifier against an honest log and the attack catalogue of docs/proof-of-training.md: each
/// cheat is refused, and for its own reason.
/// </summary>
public sealed class PolVerifierSpecs
{
    private static readonly TrainingTask Task = Training.Task;
    private static readonly Dataset Data = Task.TrainingSet(sampleSeed: 1, rows: 240);
    private static readonly Address Alice = Keys.Alice.Address;
    private static readonly TrainingPlan SoftmaxPlan = new(ModelSpec.Softmax(8, 3), 0.2, 16, 3, 5, HexBytes.From([7]));
    private static readonly TrainingRecord Honest = Train(SoftmaxPlan);
    private static readonly IReadOnlyList<Example> Challenge = Task.ChallengeSet(Keys.Bob.Address, HexBytes.From(Keccak.Hash([1])));
    private static readonly HashSet<HexBytes> NoneJudged = [];

    private static TrainingRecord Train(TrainingPlan plan, Dataset? data = null, Address? provider = null) =>
        Prover.Train(data ?? Data, plan, provider ?? Alice, "agent-1", Task.Name, "spec model");

    private static ProofVerdict Verify(IProofSource source, Address? provider = null, IReadOnlySet<HexBytes>? judged = null,
        VerifierPolicy? policy = null, TrainingRequirements? requirements = null) =>
        PolVerifier.Verify(source, provider ?? Alice, "agent-1", judged ?? NoneJudged, Challenge, requirements ?? TrainingRequirements.None,
            policy ?? VerifierPolicy.Default);

    /// <summary>A log the attacker changed, with every commitment recomputed so that it is self-consistent.</summary>
    private static TrainingRecord Forge(TrainingRecord original, Func<int, Checkpoint, Checkpoint> change, Dataset? data = null)
    {
        var log = original.Checkpoints.Select((c, i) => change(i, c)).ToImmutableArray();
        var manifest = original.Manifest with
        {
            CheckpointRoot = new MerkleTree(log.Select(c => c.Bytes())).Root,
            FinalWeightsHash = log[^1].WeightsHash()
        };
        return new TrainingRecord(manifest, log, data ?? original.Dataset);
    }

    private static ImmutableArray<double> Lerp(IReadOnlyList<double> a, IReadOnlyList<double> b, double t) =>
        [.. a.Select((v, i) => v + t * (b[i] - v))];

    /// <summary>The score is the trained model's challenge accuracy: well above chance (one in three) and above the
    /// untrained model's.</summary>
    private static void AssertLearned(TrainingPlan plan, TrainingRecord record, uint score)
    {
        Assert.True(score > 2 * Basis.Million / 3 - 100_000, $"challenge accuracy {score}");
        Assert.True(score > Model.Accuracy(plan.Model, [.. record.Checkpoints[0].Weights], Challenge), "no better than the initial weights");
    }

    [Fact]
    public void An_honest_softmax_log_is_accepted_at_a_fraction_of_the_training_cost()
    {
        var verdict = Verify(Honest);

        Assert.True(verdict.Accepted, verdict.Reason);
        Assert.Equal("ok", verdict.Code);
        Assert.Equal(4, verdict.Intervals.Length);
        Assert.Equal(0.0, verdict.MaxDistance);
        Assert.Equal(4 * SoftmaxPlan.CheckpointEvery, verdict.ReexecutedSteps);
        Assert.True(verdict.CostRatio < 0.5, $"re-executed {verdict.ReexecutedSteps} of {verdict.TotalSteps} steps");
        AssertLearned(SoftmaxPlan, Honest, verdict.Score);
        Assert.Equal(verdict.Score, Model.Accuracy(SoftmaxPlan.Model, Honest.FinalWeights, Challenge));
    }

    [Fact]
    public void An_honest_MLP_log_is_accepted()
    {
        var plan = new TrainingPlan(ModelSpec.Mlp(8, 12, 3), 0.1, 16, 3, 5, HexBytes.From([9]));

        var record = Train(plan);

        var verdict = Verify(record);

        Assert.True(verdict.Accepted, verdict.Reason);
        AssertLearned(plan, record, verdict.Score);
    }

    [Fact]
    public void Training_is_deterministic_and_bound_to_the_provider()
    {
        Assert.Equal(Honest.Manifest.Hash(), Train(SoftmaxPlan).Manifest.Hash());
        Assert.NotEqual(Honest.Manifest.CheckpointRoot, Train(SoftmaxPlan, provider: Keys.Bob.Address).Manifest.CheckpointRoot);
    }

    [Fact]
    public void Random_checkpoints_that_do_not_match_the_committed_root_are_refused()
    {
        var random = new SplitMix64(42);
        var log = Honest.Checkpoints.Select((c, i) => i == 3 ? c with { Weights = [.. c.Weights.Select(_ => random.NextGaussian())] } : c).ToImmutableArray();

        var verdict = Verify(new TrainingRecord(Honest.Manifest, log, Data));

        Assert.Equal("checkpoint-root-mismatch", verdict.Code);
    }

    [Fact]
    public void A_forged_log_with_consistent_commitments_fails_re_execution()
    {
        var random = new SplitMix64(42);
        var forged = Forge(Honest, (i, c) => i == 0 ? c : c with { Weights = [.. c.Weights.Select(_ => random.NextGaussian())] });

        var verdict = Verify(forged);

        Assert.Equal("reexecution-mismatch", verdict.Code);
    }

    [Fact]
    public void Skipped_steps_with_interpolated_weights_fail_re_execution()
    {
        var first = Honest.Checkpoints[0].Weights;
        var last = Honest.Checkpoints[^1].Weights;
        var n = Honest.Checkpoints.Count - 1;
        var forged = Forge(Honest, (i, c) => c with { Weights = Lerp(first, last, (double)i / n) });

        var verdict = Verify(forged);

        Assert.Equal("reexecution-mismatch", verdict.Code);
    }

    [Fact]
    public void One_skipped_interval_that_jumps_to_other_weights_is_caught_by_the_top_q_pick()
    {
        // The attacker trains honestly except for interval 4, where it jumps to weights trained elsewhere (a bigger
        // model's distillation, say), then continues honestly from there.
        var elsewhere = Train(SoftmaxPlan with { LearningRate = 1.0, SeedSalt = HexBytes.From([1]) }).Checkpoints[^1].Weights.ToArray();
        var weights = Honest.Checkpoints[0].Weights.ToArray();
        var schedule = SoftmaxPlan.Schedule(Data.Rows.Length, Alice);
        var log = ImmutableArray.CreateBuilder<Checkpoint>();
        foreach (var c in Honest.Checkpoints)
        {
            if (log.Count == 5) weights = [.. elsewhere];
            log.Add(c with { Weights = [.. weights] });
            for (var step = c.Step; step < Math.Min(c.Step + SoftmaxPlan.CheckpointEvery, schedule.Length); step++)
                Model.Step(SoftmaxPlan.Model, weights, [.. schedule[step].Select(r => Data.Rows[r])], SoftmaxPlan.LearningRate);
        }
        var forged = Forge(Honest, (i, _) => log[i]);

        var verdict = Verify(forged, policy: VerifierPolicy.Default with { SampledIntervals = 0 });

        Assert.Contains(4, verdict.Intervals);
        Assert.Equal("reexecution-mismatch", verdict.Code);
        Assert.Contains("interval 4", verdict.Reason);
    }

    [Fact]
    public void Batches_not_in_the_committed_dataset_are_refused()
    {
        // Trained on other rows, but claims the honest dataset's root: the rows it opens do not verify against it.
        var other = Task.TrainingSet(sampleSeed: 2, rows: Data.Rows.Length);
        var trainedElsewhere = Train(SoftmaxPlan, other);
        var claim = new TrainingRecord(trainedElsewhere.Manifest with { DatasetRoot = Honest.Manifest.DatasetRoot }, [.. trainedElsewhere.Checkpoints], other);

        var verdict = Verify(claim);

        Assert.Equal("dataset-proof-invalid", verdict.Code);
    }

    [Fact]
    public void Final_weights_that_are_not_the_logs_last_checkpoint_are_refused()
    {
        var better = Train(SoftmaxPlan with { Epochs = 6 });
        var claim = new TrainingRecord(Honest.Manifest with { FinalWeightsHash = better.Checkpoints[^1].WeightsHash() }, [.. Honest.Checkpoints], Data);

        var verdict = Verify(claim);

        Assert.Equal("final-weights-not-from-log", verdict.Code);
    }

    [Fact]
    public void A_proof_copied_from_another_provider_is_refused()
    {
        Assert.Equal("not-bound-to-provider", Verify(Honest, provider: Keys.Bob.Address).Code);

        // The copier also rewrites the provider in the manifest: the log still starts from Alice's initial weights.
        var relabelled = new TrainingRecord(Honest.Manifest with { Provider = Keys.Bob.Address }, [.. Honest.Checkpoints], Data);
        var verdict = Verify(relabelled, provider: Keys.Bob.Address);
        Assert.Equal("not-bound-to-provider", verdict.Code);
        Assert.Contains("initial weights", verdict.Reason);
    }

    [Fact]
    public void A_replayed_proof_is_refused()
    {
        var verdict = Verify(Honest, judged: new HashSet<HexBytes> { Honest.Manifest.Hash() });

        Assert.Equal("replayed-proof", verdict.Code);
    }

    [Fact]
    public void A_tampered_Merkle_path_is_refused()
    {
        var verdict = Verify(new TamperedOpenings(Honest));

        Assert.Equal("dataset-proof-invalid", verdict.Code);
    }

    [Fact]
    public void Batches_other_than_the_providers_schedule_are_refused()
    {
        // Cherry-picked batches: the first batch of each checkpoint repeated.
        var forged = Forge(Honest, (_, c) => c with { NextBatches = [.. c.NextBatches.Select(_ => c.NextBatches[0])] });

        Assert.Equal("schedule-mismatch", Verify(forged).Code);
    }

    [Fact]
    public void A_loose_declared_tolerance_is_capped_by_the_validators_policy()
    {
        var forged = Forge(Honest, (i, c) => i == 0 ? c : c with { Weights = [.. c.Weights.Select(w => w + 1e-3)] });
        var loose = new TrainingRecord(forged.Manifest with { Tolerance = 1.0 }, [.. forged.Checkpoints], Data);

        var verdict = Verify(loose);

        Assert.Equal("reexecution-mismatch", verdict.Code);
        Assert.InRange(verdict.MaxDistance, VerifierPolicy.Default.MaxTolerance, 1.0);
    }

    [Fact]
    public void A_truncated_log_is_malformed()
    {
        var log = Honest.Checkpoints.Take(Honest.Checkpoints.Count - 1).ToImmutableArray();
        var claim = new TrainingRecord(Honest.Manifest with { CheckpointRoot = new MerkleTree(log.Select(c => c.Bytes())).Root }, log, Data);

        Assert.Equal("malformed-log", Verify(claim).Code);
    }

    [Fact]
    public void A_model_below_the_tasks_accuracy_bar_is_refused_with_its_score()
    {
        var verdict = Verify(Honest, requirements: new TrainingRequirements(1, 1_000_001));

        Assert.Equal("below-minimum-accuracy", verdict.Code);
        Assert.True(verdict.Score > 0);
    }

    [Fact]
    public void Interval_choice_includes_the_largest_updates_and_depends_on_the_provider()
    {
        var m = Honest.Manifest;
        var largest = Enumerable.Range(0, Honest.Checkpoints.Count - 1)
            .OrderByDescending(i => WeightDistance.L2(Honest.Checkpoints[i + 1].Weights, Honest.Checkpoints[i].Weights)).Take(2);

        var chosen = PolVerifier.ChooseIntervals(m, Honest.Checkpoints, Alice, VerifierPolicy.Default);

        Assert.Equal(4, chosen.Length);
        Assert.All(largest, i => Assert.Contains(i, chosen));
        Assert.Equal(chosen.ToArray(), PolVerifier.ChooseIntervals(m, Honest.Checkpoints, Alice, VerifierPolicy.Default).ToArray());
    }

    /// <summary>Answers openings with one sibling hash flipped.</summary>
    private sealed class TamperedOpenings(TrainingRecord honest) : IProofSource
    {
        public ProofManifest Manifest => honest.Manifest;

        public IReadOnlyList<Checkpoint> Checkpoints => honest.Checkpoints;

        public RowOpening OpenRow(int index)
        {
            var opening = honest.OpenRow(index);
            var siblings = opening.Proof.Siblings;
            var flipped = siblings[0]!.Value.ToBytes();
            flipped[0] ^= 1;
            return opening with { Proof = opening.Proof with { Siblings = siblings.SetItem(0, HexBytes.From(flipped)) } };
        }
    }
}
