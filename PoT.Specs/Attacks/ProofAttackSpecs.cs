using System.Collections.Immutable;
using FsCheck;
using FsCheck.Fluent;
using Newtonsoft.Json;
using PoT.Proofs;
using PoT.Protocol;
using PoT.Specs.Support;
using Xunit;

namespace PoT.Specs.Attacks;

/// <summary>
/// The red-team catalogue for proof bundles (docs/security.md, "Proof bundles"): logs that smuggle NaN past
/// re-execution, and poison proofs that made the verifier throw (so no validator voted and every member missed) or
/// work for hours. Each attack was accepted, or hung the verifier, before its defence.
/// </summary>
public sealed class ProofAttackSpecs
{
    private static readonly TrainingTask Task = Training.Task;
    private static readonly Address Victim = Keys.Alice.Address;
    private static readonly Address Thief = Keys.Bob.Address;
    private static readonly TrainingPlan Plan = new(ModelSpec.Softmax(8, 3), 0.2, 16, 8, 10, HexBytes.From([7]));
    private static readonly TrainingRecord VictimsRun = Prover.Train(Task.TrainingSet(1, 200), Plan, Victim, "agent-1", Task.Name, "victim's model");
    private static readonly IReadOnlyList<Example> Challenge = Task.ChallengeSet(Keys.Carol.Address, HexBytes.From(Keccak.Hash([5])));
    private static readonly HashSet<HexBytes> NoneJudged = [];
    private static readonly ImmutableArray<Checkpoint> VictimsLog = [.. VictimsRun.Checkpoints];

    private static ProofVerdict Verify(IProofSource source, Address provider) =>
        PolVerifier.Verify(source, provider, "agent-1", NoneJudged, Challenge, Task.Requirements, VerifierPolicy.Default);

    /// <summary>A log with every commitment recomputed over the checkpoints given: self-consistent, as an attacker makes it.</summary>
    private static TrainingRecord Recommit(TrainingRecord original, ImmutableArray<Checkpoint> log, ProofManifest? manifest = null) =>
        new((manifest ?? original.Manifest) with
        {
            CheckpointRoot = new MerkleTree(log.Select(c => c.Bytes())).Root,
            FinalWeightsHash = log[^1].WeightsHash()
        }, log, original.Dataset);

    private static TrainingRecord WithNaNs(TrainingRecord record, int i, int j, double value)
    {
        var log = record.Checkpoints.Select((c, k) => k == i ? c with { Weights = c.Weights.SetItem(j, value) } : c).ToImmutableArray();
        return Recommit(record, log);
    }

    [Fact]
    public void A_stolen_model_behind_NaN_checkpoints_is_refused_as_non_finite()
    {
        // The thief's log starts from its own initial weights and follows its own batch schedule (so both binding
        // checks pass), has one NaN weight in every inner checkpoint (NaN made every distance "within tolerance"),
        // and ends on the victim's trained weights, to be listed with the victim's score.
        var schedule = Plan.Schedule(VictimsRun.Dataset.Rows.Length, Thief);
        var own = Model.Initialize(Plan.Model, Plan.InitSeed(Thief));
        var victims = VictimsRun.Checkpoints;
        var log = victims.Select((c, i) =>
        {
            var batches = schedule[c.Step..Math.Min(schedule.Length, c.Step + Plan.CheckpointEvery)];
            var weights = i == 0 ? [.. own] : i == victims.Count - 1 ? c.Weights : c.Weights.SetItem(0, double.NaN);
            return new Checkpoint(c.Step, weights, batches);
        }).ToImmutableArray();
        var stolen = Recommit(VictimsRun, log, VictimsRun.Manifest with { Provider = Thief });

        var verdict = Verify(stolen, Thief);

        Assert.False(verdict.Accepted, $"the stolen model was listed with score {verdict.Score}");
        Assert.Equal(ErrorCodes.NonFiniteNumber, verdict.Code);
        var parse = Assert.Throws<ProofFormatException>(() => ProofBundle.Parse(stolen.ToBundle().ToString(Formatting.None)));
        Assert.Equal(ErrorCodes.NonFiniteNumber, parse.Code);
    }

    [Fact]
    public void A_random_log_with_a_NaN_tolerance_is_refused_as_non_finite()
    {
        var random = new SplitMix64(42);
        var log = VictimsRun.Checkpoints.Select((c, i) => i == 0 ? c : c with { Weights = [.. c.Weights.Select(_ => random.NextGaussian())] })
            .ToImmutableArray();
        var forged = Recommit(VictimsRun, log, VictimsRun.Manifest with { Tolerance = double.NaN });

        var verdict = Verify(forged, Victim);

        Assert.Equal(ErrorCodes.NonFiniteNumber, verdict.Code);
        Assert.Equal(ErrorCodes.NonFiniteNumber, Assert.Throws<ProofFormatException>(() => ProofBundle.Parse(forged.ToBundle().ToString(Formatting.None))).Code);
    }

    [Fact]
    public void A_NaN_distance_never_counts_as_within_tolerance()
    {
        Assert.Equal(double.PositiveInfinity, WeightDistance.Of([1.0, double.NaN, 2.0], [1.0, 0.5, 2.0]));
        Assert.Equal(double.PositiveInfinity, WeightDistance.Of([1.0, 2.0], [double.NaN, 2.0]));
        Assert.Equal(double.PositiveInfinity, WeightDistance.Of([double.PositiveInfinity], [double.PositiveInfinity]));
        Assert.Equal(0.0, WeightDistance.Of([1.0, 2.0], [1.0, 2.0]));
    }

    /// <summary>Where a non-finite number can hide in a bundle.</summary>
    private sealed record Poison(int Where, int Index, double Value);

    [Fact]
    public void Any_bundle_with_a_non_finite_number_anywhere_is_refused()
    {
        var record = VictimsRun;
        var parameters = Plan.Model.ParameterCount;
        var gen =
            from place in Gen.Choose(0, 3)
            from index in Gen.Choose(0, record.Checkpoints.Count * parameters - 1)
            from value in Gen.Elements(double.NaN, double.PositiveInfinity, double.NegativeInfinity)
            select new Poison(place, index, value);
        Prop.ForAll(Arb.From(gen), p =>
        {
            var poisoned = p.Where switch
            {
                0 => WithNaNs(record, p.Index / parameters, p.Index % parameters, p.Value),
                1 => new TrainingRecord(record.Manifest, VictimsLog, PoisonRow(record.Dataset, p)),
                2 => new TrainingRecord(record.Manifest with { Plan = record.Manifest.Plan with { LearningRate = p.Value } }, VictimsLog, record.Dataset),
                _ => new TrainingRecord(record.Manifest with { Tolerance = p.Value }, VictimsLog, record.Dataset)
            };
            var json = poisoned.ToBundle().ToString(Formatting.None);
            var parsed = Assert.Throws<ProofFormatException>(() => ProofBundle.Parse(json));
            Assert.Equal(ErrorCodes.NonFiniteNumber, parsed.Code);
            Assert.Equal(ErrorCodes.NonFiniteNumber, ProofAdmission.Problem(poisoned, VerifierPolicy.Default)?.Code);
            // The verifier, handed the record without parsing, refuses it too wherever the number sits in what it reads.
            if (p.Where != 1) Assert.Equal(ErrorCodes.NonFiniteNumber, Verify(poisoned, Victim).Code);
        }).QuickCheckThrowOnFailure();
    }

    private static Dataset PoisonRow(Dataset data, Poison p)
    {
        var row = p.Index % data.Rows.Length;
        var feature = p.Index % data.Features;
        return data with { Rows = data.Rows.SetItem(row, data.Rows[row] with { Features = data.Rows[row].Features.SetItem(feature, p.Value) }) };
    }

    public static TheoryData<string, Func<ProofManifest, ProofManifest>, string> PoisonManifests => new()
    {
        { "datasetRows = -1", m => m with { DatasetRows = -1 }, ErrorCodes.MalformedProof },
        { "batchSize = -1", m => m with { Plan = m.Plan with { BatchSize = -1 } }, ErrorCodes.MalformedProof },
        { "checkpointEvery = 0", m => m with { Plan = m.Plan with { CheckpointEvery = 0 } }, ErrorCodes.MalformedProof },
        { "epochs = 0", m => m with { Plan = m.Plan with { Epochs = 0 } }, ErrorCodes.MalformedProof },
        { "learningRate = 0", m => m with { Plan = m.Plan with { LearningRate = 0 } }, ErrorCodes.MalformedProof },
        { "classes = 0", m => m with { Plan = m.Plan with { Model = m.Plan.Model with { Classes = 0 } } }, ErrorCodes.MalformedProof },
        { "an unknown model kind", m => m with { Plan = m.Plan with { Model = m.Plan.Model with { Kind = (ModelKind)7 } } }, ErrorCodes.MalformedProof },
        { "totalSteps that the plan does not make", m => m with { TotalSteps = m.TotalSteps + 1 }, ErrorCodes.MalformedProof },
        { "1000 epochs of a million rows", m => m with { DatasetRows = 1_000_000, Plan = m.Plan with { Epochs = 1000 } }, ErrorCodes.ProofOverBudget },
        { "a 21-million-parameter model", m => m with { Plan = m.Plan with { Model = ModelSpec.Mlp(4096, 4096, 1000) } }, ErrorCodes.ProofOverBudget },
        { "a learning rate of 1e300", m => m with { Plan = m.Plan with { LearningRate = 1e300 } }, ErrorCodes.ProofOverBudget },
    };

    [Theory]
    [MemberData(nameof(PoisonManifests))]
    public void A_poison_manifest_gets_a_reject_verdict_before_any_work(string attack, Func<ProofManifest, ProofManifest> poison, string code)
    {
        var poisoned = new TrainingRecord(poison(VictimsRun.Manifest), VictimsLog, VictimsRun.Dataset);

        // Before its defence the verifier built the batch schedule from these numbers first: it threw (no vote, every
        // member missed) or ran for hours. Now it answers, with the provider's fault as the code.
        var verdict = Verify(poisoned, Victim);

        Assert.False(verdict.Accepted, attack);
        Assert.Equal(code, verdict.Code);
        Assert.Equal(0, verdict.ReexecutedSteps);
        Assert.Equal(code, ProofAdmission.Problem(poisoned, VerifierPolicy.Default)?.Code);
    }

    [Fact]
    public void A_bundle_that_makes_the_verifier_throw_still_gets_a_reject_verdict()
    {
        // The dataset carries fewer rows than the manifest declares: opening a scheduled row threw out of the verifier.
        var shortData = VictimsRun.Dataset with { Rows = VictimsRun.Dataset.Rows[..10] };
        var bundle = new TrainingRecord(VictimsRun.Manifest, VictimsLog, shortData);
        var checker = new ProofChecker(new ProofStore(Path.GetTempPath()), ProofsOptionsFor(Task));
        var check = new ProofCheck("agent-1.1", ProofManifest.Kind, bundle.Hash(), Victim, "agent-1", HexBytes.From(Keccak.Hash([5])), Keys.Carol.Address);

        var verdict = checker.CheckBundle(bundle, check, JudgedProofs.None);

        Assert.False(verdict.Accepted);
        Assert.Equal(ErrorCodes.MalformedProof, verdict.Code);
        Assert.Equal(ErrorCodes.MalformedProof, ProofAdmission.Problem(bundle, VerifierPolicy.Default)?.Code);
    }

    [Fact]
    public void A_zero_epoch_or_too_short_log_is_refused_as_insufficient_training()
    {
        var plan = Plan with { Epochs = 1 };
        var shortRun = Prover.Train(Task.TrainingSet(1, 200), plan, Victim, "agent-1", Task.Name, "13 steps");

        var verdict = Verify(shortRun, Victim);

        Assert.Equal("insufficient-training", verdict.Code);
        Assert.Equal(0, verdict.ReexecutedSteps);
    }

    [Fact]
    public void A_model_at_chance_is_refused_below_the_tasks_minimum_accuracy()
    {
        // A learning rate too small to move the weights: 104 real steps, a model no better than its initial weights.
        var plan = Plan with { LearningRate = 1e-12 };
        var idle = Prover.Train(Task.TrainingSet(1, 200), plan, Victim, "agent-1", Task.Name, "idle");

        var verdict = Verify(idle, Victim);

        Assert.Equal("below-minimum-accuracy", verdict.Code);
        Assert.True(verdict.Score < Task.Requirements.MinAccuracy, $"score {verdict.Score}");
    }

    [Fact]
    public void The_victims_honest_run_is_still_accepted()
    {
        var verdict = Verify(VictimsRun, Victim);

        Assert.True(verdict.Accepted, verdict.Reason);
        Assert.Equal(0.0, verdict.MaxDistance);
    }

    private static ProofsOptions ProofsOptionsFor(TrainingTask task) =>
        new(Path.GetTempPath(), 1 << 20, 1, VerifierPolicy.Default, SgdStepPolicy.Default, ImmutableDictionary<string, TrainingTask>.Empty.Add(task.Name, task),
            ImmutableDictionary<string, LinearTask>.Empty);
}
