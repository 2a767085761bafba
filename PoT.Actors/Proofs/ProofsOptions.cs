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
            new VerifierPolicy(training.GetInt("sampled-intervals"), training.GetInt("top-intervals"), training.GetDouble("max-tolerance"),
                (uint)training.GetInt("min-accuracy")),
            new SgdStepPolicy(BigInteger.Parse(sgd.GetString("max-loss-threshold"), CultureInfo.InvariantCulture), sgd.GetInt("min-learning-rate"),
                sgd.GetInt("max-learning-rate")),
            tasks.Root.GetObject().Items.Keys.ToImmutableDictionary(name => name, name => Task(name, tasks.GetConfig(name), dataDir)));
    }

    private static TrainingTask Task(string name, Config t, string dataDir)
    {
        var csv = t.GetString("challenge-csv", "");
        return new TrainingTask(name, (ulong)t.GetLong("seed", 0), t.GetInt("features", 0), t.GetInt("classes", 0), t.GetDouble("noise", 1.0),
            t.GetDouble("spread", 3.0), t.GetInt("challenge-rows", 0), csv.Length == 0 ? null : Path.Combine(dataDir, csv));
    }

    private static int Positive(int value, string key) =>
        value > 0 ? value : throw new ConfigurationException($"pot.proofs.{key} must be at least 1");
}
