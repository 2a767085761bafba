using System.Diagnostics;
using Newtonsoft.Json.Linq;
using PoT.Hosting;
using PoT.Proofs;
using PoT.Protocol;

namespace PoT.Bench;

/// <summary>
/// Proof of training: prover time against verifier time for a realistic run (the verifier's cost as a share of
/// training, by steps and by time), and the C# Groth16 verifier against snarkjs on the same committed proof.
/// </summary>
public static class ProofsBench
{
    public static int Run(string[] args)
    {
        var rows = Args.Int(args, "--rows", 10_000);
        var epochs = Args.Int(args, "--epochs", 10);
        var hidden = Args.Int(args, "--hidden", 64);
        var every = Args.Int(args, "--checkpoint-every", 100);
        var runs = Args.Int(args, "--runs", 5);
        var zkRuns = Args.Int(args, "--zk-runs", 10);
        var root = RepoRoot();

        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, {System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}");
        var task = new TrainingTask("bench", 8003, 32, 10, 1.5, 2.0, 2_000, null, TrainingRequirements.None);
        var data = task.TrainingSet(1, rows);
        var provider = EthKey.FromSeed("bench-provider").Address;
        foreach (var (name, model) in new[] { ("softmax", ModelSpec.Softmax(32, 10)), ("mlp", ModelSpec.Mlp(32, hidden, 10)) })
        {
            var plan = new TrainingPlan(model, 0.05, 32, epochs, every, HexBytes.From([1]));
            var challenge = task.ChallengeSet(EthKey.FromSeed("bench-validator").Address, HexBytes.From(Keccak.Hash([1])));
            var judged = new HashSet<HexBytes>();
            // Warm-up (JIT) on a small run, then the measured ones.
            PolVerifier.Verify(Prover.Train(task.TrainingSet(2, 256), plan with { Epochs = 1 }, provider, "a", "bench", name), provider, "a", judged, challenge,
                task.Requirements, VerifierPolicy.Default);
            var train = new List<double>();
            var verify = new List<double>();
            var answer = new List<double>();
            ProofVerdict verdict = null!;
            for (var i = 0; i < runs; i++)
            {
                var stopwatch = Stopwatch.StartNew();
                var record = Prover.Train(data, plan, provider, "a", "bench", name);
                train.Add(stopwatch.Elapsed.TotalMilliseconds);
                // Answering row openings is the prover's work: timed apart and taken out of the verifier's time.
                var source = new TimedSource(record);
                stopwatch.Restart();
                verdict = PolVerifier.Verify(source, provider, "a", judged, challenge, task.Requirements, VerifierPolicy.Default);
                verify.Add(stopwatch.Elapsed.TotalMilliseconds - source.Answering.TotalMilliseconds);
                answer.Add(source.Answering.TotalMilliseconds);
                if (!verdict.Accepted) throw new InvalidOperationException($"the honest run was refused: {verdict.Code}: {verdict.Reason}");
            }
            var (t, v) = (Median(train), Median(verify));
            var drift = LastBitDrift(Prover.Train(data, plan, provider, "a", "bench", name), data, plan);
            Console.WriteLine($"pol-v1 {name,-7} ({model.ParameterCount} parameters, {rows} rows, {epochs} epochs, batch 32, k = {every}): " +
                $"{verdict.TotalSteps} steps; prover {t:F0} ms, verifier {v:F0} ms (+ {Median(answer):F0} ms the prover spends answering its openings), " +
                $"ratio {v / t:P1} by time, " +
                $"{verdict.ReexecutedSteps}/{verdict.TotalSteps} = {verdict.CostRatio:P1} by steps (median of {runs}); " +
                $"honest re-execution distance {verdict.MaxDistance:G2}, after a one-ulp change of every starting weight {drift:E1}");
        }

        var key = SgdStepCircuit.VerificationKey;
        var proof = SgdStepProof.FromSnarkJs(JObject.Parse(File.ReadAllText(Path.Combine(root, "zk/build/proof.json"))),
            JArray.Parse(File.ReadAllText(Path.Combine(root, "zk/build/public.json"))), "linear-2",
            SgdStepModel.FromWitnessInput(JObject.Parse(File.ReadAllText(Path.Combine(root, "zk/build/input.json")))));
        if (!Groth16.Verify(key, proof.Proof, proof.PublicSignals).Valid) throw new InvalidOperationException("the committed proof does not verify");
        var csharp = new List<double>();
        for (var i = 0; i < zkRuns; i++)
        {
            var stopwatch = Stopwatch.StartNew();
            Groth16.Verify(key, proof.Proof, proof.PublicSignals);
            csharp.Add(stopwatch.Elapsed.TotalMilliseconds);
        }
        var pairing = new List<double>();
        for (var i = 0; i < zkRuns; i++)
        {
            var stopwatch = Stopwatch.StartNew();
            Bn254.PairingProductIsOne([(key.Alpha, key.Beta)]);
            pairing.Add(stopwatch.Elapsed.TotalMilliseconds);
        }
        // The whole verdict a duty computes: binding and replay checks, the pairing, the Poseidon opening of commitAfter
        // and the model's R² on a fresh 256-row challenge set.
        var options = PotConfig.Load().Proofs;
        var verdicts = new List<double>();
        for (var i = 0; i < zkRuns; i++)
        {
            var check = new ProofCheck(File.ReadAllText(Path.Combine(root, "zk", "build", "sample-round.txt")).Trim(), SgdStepProof.Kind, proof.Hash(), EthKey.FromSeed("alice").Address, "agent-1",
                HexBytes.From(Keccak.Hash([(byte)i])), EthKey.FromSeed($"bench-validator-{i}").Address);
            var stopwatch = Stopwatch.StartNew();
            var verdict = SgdStepVerifier.Verify(key, proof, check, new HashSet<HexBytes>(), options.SgdStep, options.LinearTasks);
            verdicts.Add(stopwatch.Elapsed.TotalMilliseconds);
            if (!verdict.Accepted) throw new InvalidOperationException($"the committed proof was refused: {verdict.Code}: {verdict.Reason}");
        }
        Console.WriteLine($"groth16 C# (Nethereum BN128): median {Median(csharp):F1} ms per proof over {zkRuns}; one pairing alone {Median(pairing):F1} ms; " +
            $"the whole groth16-sgd-v1 verdict (bindings, pairing, opening, held-out R²) {Median(verdicts):F1} ms");
        Console.WriteLine($"groth16 snarkjs 0.7.6 (node {Node(root, "--version").Trim()}), same proof: {Snarkjs(root, zkRuns)}");
        return 0;
    }

    /// <summary>How far k steps drift when every starting weight is one ulp off (what a different libm's last bit could
    /// do): the honest noise floor the tolerance must sit above. Worst over three intervals.</summary>
    private static double LastBitDrift(TrainingRecord record, Dataset data, TrainingPlan plan)
    {
        var worst = 0.0;
        foreach (var i in new[] { 0, record.Checkpoints.Count / 2, record.Checkpoints.Count - 2 })
        {
            var start = record.Checkpoints[i];
            var weights = start.Weights.Select(Math.BitIncrement).ToArray();
            foreach (var batch in start.NextBatches) Model.Step(plan.Model, weights, [.. batch.Select(r => data.Rows[r])], plan.LearningRate);
            worst = Math.Max(worst, WeightDistance.Of(weights, record.Checkpoints[i + 1].Weights));
        }
        return worst;
    }

    /// <summary>Times what the prover spends answering the verifier's row openings.</summary>
    private sealed class TimedSource(TrainingRecord record) : IProofSource
    {
        public TimeSpan Answering { get; private set; }

        public ProofManifest Manifest => record.Manifest;

        public IReadOnlyList<Checkpoint> Checkpoints => record.Checkpoints;

        public RowOpening OpenRow(int index)
        {
            var started = Stopwatch.GetTimestamp();
            var opening = record.OpenRow(index);
            Answering += Stopwatch.GetElapsedTime(started);
            return opening;
        }
    }

    private static string Snarkjs(string root, int runs)
    {
        if (!Directory.Exists(Path.Combine(root, "zk/node_modules/snarkjs"))) return "skipped: run `npm ci` in zk/ first";
        var json = JObject.Parse(Node(root, Path.Combine(root, "zk/verify_bench.js"), runs.ToString()));
        return $"median {(double)json["medianMs"]!:F1} ms per proof over {runs}";
    }

    private static string Node(string root, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo("node", args) { RedirectStandardOutput = true, WorkingDirectory = Path.Combine(root, "zk") })!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0 ? output : throw new InvalidOperationException($"node {string.Join(' ', args)} failed");
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "PoT.sln"))) return dir.FullName;
        throw new InvalidOperationException("run from inside the repository");
    }
}
