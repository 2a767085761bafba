using System.Collections.Immutable;
using System.Globalization;
using System.Numerics;
using Akka.Configuration;

namespace PoT.Proofs;

/// <summary>Proof-of-training settings (hocon/pot.conf, pot.proofs): where bundles live, how many verifications run
/// at once, how strictly each kind is checked, and the tasks this node can score.</summary>
public sealed record ProofsOptions(
    string Directory,
    int MaxBundleBytes,
    int VerifierWorkers,
    VerifierPolicy Training,
    SgdStepPolicy SgdStep,
    ImmutableDictionary<string, TrainingTask> Tasks)
{
    public static ProofsOptions FromConfig(Config pot, string dataDir)
    {
        var c = pot.GetConfig("proofs");
        var training = c.GetConfig("training");
        var sgd = c.GetConfig("sgd-step");
        var tasks = c.GetConfig("tasks");
        return new ProofsOptions(
            Path.Combine(dataDir, c.GetString("directory")),
            c.GetInt("max-bundle-bytes"),
            Positive(c.GetInt("verifier-workers"), "verifier-workers"),
            new VerifierPolicy(NonNegative(training.GetInt("sampled-intervals"), "training.sampled-intervals"),
                NonNegative(training.GetInt("top-intervals"), "training.top-intervals"), Tolerance(training.GetDouble("max-tolerance")),
                ProofLimits.FromConfig(c.GetConfig("limits"))),
            new SgdStepPolicy(BigInteger.Parse(sgd.GetString("max-loss-threshold"), CultureInfo.InvariantCulture), sgd.GetInt("min-learning-rate"),
                sgd.GetInt("max-learning-rate")),
            tasks.Root.GetObject().Items.Keys.ToImmutableDictionary(name => name, name => Task(name, tasks.GetConfig(name), dataDir)));
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
