using System.Collections.Immutable;
using System.Globalization;
using System.Numerics;
using Akka.Configuration;

namespace PoT.Proofs;

/// <summary>Proof-of-training settings (hocon/pot.conf, pot.proofs): where bundles live, how many verifications run
/// at once, how strictly each kind is checked, and the tasks this node can score: classification tasks (`kind = blobs`,
/// the default) for training logs, regression tasks (`kind = linear`) for the models ZK proofs open.</summary>
public sealed record ProofsOptions(
    string Directory,
    int MaxBundleBytes,
    int VerifierWorkers,
    VerifierPolicy Training,
    SgdStepPolicy SgdStep,
    ImmutableDictionary<string, TrainingTask> Tasks,
    ImmutableDictionary<string, LinearTask> LinearTasks)
{
    public static ProofsOptions FromConfig(Config pot, string dataDir)
    {
        var c = pot.GetConfig("proofs");
        var training = c.GetConfig("training");
        var sgd = c.GetConfig("sgd-step");
        var tasks = c.GetConfig("tasks");
        var names = tasks.Root.GetObject().Items.Keys.ToList();
        return new ProofsOptions(
            Path.Combine(dataDir, c.GetString("directory")),
            c.GetInt("max-bundle-bytes"),
            Positive(c.GetInt("verifier-workers"), "verifier-workers"),
            new VerifierPolicy(NonNegative(training.GetInt("sampled-intervals"), "training.sampled-intervals"),
                NonNegative(training.GetInt("top-intervals"), "training.top-intervals"), Tolerance(training.GetDouble("max-tolerance")),
                ProofLimits.FromConfig(c.GetConfig("limits"))),
            new SgdStepPolicy(BigInteger.Parse(sgd.GetString("max-loss-threshold"), CultureInfo.InvariantCulture), sgd.GetInt("min-learning-rate"),
                sgd.GetInt("max-learning-rate")),
            names.Where(n => KindOf(n) == "blobs").ToImmutableDictionary(name => name, name => Task(name, tasks.GetConfig(name), dataDir)),
            names.Where(n => KindOf(n) == LinearTask.KindName).ToImmutableDictionary(name => name, name => Linear(name, tasks.GetConfig(name))));

        string KindOf(string name) => tasks.GetConfig(name).GetString("kind", "blobs") switch
        {
            var kind when kind is "blobs" or LinearTask.KindName => kind,
            var other => throw new ConfigurationException($"pot.proofs.tasks.{name}.kind: '{other}' is not blobs or {LinearTask.KindName}")
        };
    }

    private static LinearTask Linear(string name, Config t)
    {
        var (features, noise, rows, minScore) = (t.GetInt("features"), t.GetDouble("noise"), t.GetInt("challenge-rows"), t.GetLong("min-score"));
        var problem =
            features is < 1 or > 64 ? "features must be 1 to 64"
            : !(noise >= 0 && double.IsFinite(noise)) ? "noise must be a finite number, at least 0"
            : rows is < 2 or > 100_000 ? "challenge-rows must be 2 (R² needs a variance) to 100000"
            : minScore is < 1 or > 1_000_000 ? "min-score must be 1 to 1000000 (millionths of R²; 0 would approve any model)"
            : null;
        return problem is null
            ? new LinearTask(name, (ulong)t.GetLong("seed"), features, noise, rows, (uint)minScore)
            : throw new ConfigurationException($"pot.proofs.tasks.{name}: {problem}");
    }

    private static TrainingTask Task(string name, Config t, string dataDir)
    {
        var csv = t.GetString("challenge-csv", "");
        var noise = t.GetDouble("noise", 1.0);
        var spread = t.GetDouble("spread", 3.0);
        if (!double.IsFinite(noise) || !double.IsFinite(spread) || noise < 0 || spread < 0)
            throw new ConfigurationException($"pot.proofs.tasks.{name}: noise and spread must be finite and at least 0");
        // No default for the requirements: a task that forgets them must not silently accept zero-work models.
        var minAccuracy = t.GetInt("min-accuracy", 0);
        if (minAccuracy is < 1 or > 1_000_000)
            throw new ConfigurationException($"pot.proofs.tasks.{name}.min-accuracy must be 1 to 1000000 (millionths of challenge accuracy)");
        return new TrainingTask(name, (ulong)t.GetLong("seed", 0), t.GetInt("features", 0), t.GetInt("classes", 0), noise, spread,
            t.GetInt("challenge-rows", 0), csv.Length == 0 ? null : Path.Combine(dataDir, csv),
            new TrainingRequirements(Positive(t.GetInt("min-steps", 0), $"tasks.{name}.min-steps"), (uint)minAccuracy));
    }

    private static int Positive(int value, string key) =>
        value > 0 ? value : throw new ConfigurationException($"pot.proofs.{key} must be at least 1");

    private static int NonNegative(int value, string key) =>
        value >= 0 ? value : throw new ConfigurationException($"pot.proofs.{key} must be at least 0");

    private static double Tolerance(double value) =>
        double.IsFinite(value) && value >= 0 ? value : throw new ConfigurationException("pot.proofs.training.max-tolerance must be a finite number, at least 0");
}
