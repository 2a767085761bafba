using System.CommandLine;
using System.Diagnostics;
using Akka.Configuration;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using PoT.Hosting;
using PoT.Proofs;
using PoT.Protocol;

namespace PoT.Host.Cli;

/// <summary>
/// `pot proof train|pack-zk|verify|upload|show`: a provider trains with a proof-of-training log (or wraps a snarkjs
/// proof), anyone verifies a bundle as a validator would, and bundles go to a node's proof store.
/// </summary>
public static class ProofCommand
{
    private static readonly Option<string> NodeOption = new("--node", "-n") { Description = "Node URL", DefaultValueFactory = _ => "http://127.0.0.1:5080" };
    private static readonly Option<FileInfo?> ConfigOption = new("--config") { Description = "A HOCON file whose values override hocon/pot.conf (tasks, verifier policy)" };

    public static Command Create() => new("proof", "Proofs of training: train with a verifiable log, verify, upload")
    {
        Train(), PackZk(), Verify(), Upload(), Show()
    };

    private static Command Train()
    {
        var provider = new Option<string>("--provider") { Description = "The provider's address: the run's seeds are derived from it", Required = true };
        var agent = new Option<string>("--agent") { Description = "The agent the proof is for", Required = true };
        var task = new Option<string>("--task") { Description = "A task of pot.proofs.tasks (validators score on it)", DefaultValueFactory = _ => "blobs-8x3" };
        var dataset = new Option<FileInfo?>("--dataset") { Description = "Train on this CSV (label,features...) instead of a sample of the task" };
        var rows = new Option<int>("--rows") { Description = "Rows sampled from the task when no --dataset is given", DefaultValueFactory = _ => 2000 };
        var dataSeed = new Option<ulong>("--data-seed") { Description = "Seed of that sample", DefaultValueFactory = _ => 1 };
        var model = new Option<string>("--model") { Description = "softmax or mlp", DefaultValueFactory = _ => "mlp" };
        var hidden = new Option<int>("--hidden") { Description = "Hidden units of the MLP", DefaultValueFactory = _ => 16 };
        var epochs = new Option<int>("--epochs") { DefaultValueFactory = _ => 10 };
        var batch = new Option<int>("--batch") { Description = "Batch size", DefaultValueFactory = _ => 32 };
        var rate = new Option<double>("--learning-rate") { DefaultValueFactory = _ => 0.1 };
        var every = new Option<int>("--checkpoint-every") { Description = "Steps between checkpoints (k)", DefaultValueFactory = _ => 10 };
        var salt = new Option<string?>("--salt") { Description = "0x hex mixed into the seeds (default: random)" };
        var output = new Option<string>("--out", "-o") { Description = "Bundle file to write", Required = true };
        var command = new Command("train", "Train a small model deterministically and write its proof-of-training bundle (pol-v1)")
        {
            provider, agent, task, dataset, rows, dataSeed, model, hidden, epochs, batch, rate, every, salt, output, ConfigOption
        };
        command.SetAction(parse => Cli.Run(() =>
        {
            var settings = Settings(parse);
            var taskName = parse.GetValue(task)!;
            if (!settings.Proofs.Tasks.TryGetValue(taskName, out var spec) && parse.GetValue(dataset) is null)
                throw new ArgumentException($"--task: '{taskName}' is not in pot.proofs.tasks ({string.Join(", ", settings.Proofs.Tasks.Keys)}); give --dataset for your own data");
            var data = parse.GetValue(dataset) is { } csv ? Dataset.FromCsv(csv.FullName) : spec!.TrainingSet(parse.GetValue(dataSeed), parse.GetValue(rows));
            var modelSpec = parse.GetValue(model) switch
            {
                "softmax" => ModelSpec.Softmax(data.Features, data.Classes),
                "mlp" => ModelSpec.Mlp(data.Features, parse.GetValue(hidden), data.Classes),
                var other => throw new ArgumentException($"--model: softmax or mlp, not '{other}'")
            };
            var plan = new TrainingPlan(modelSpec, parse.GetValue(rate), Positive(parse.GetValue(batch), "--batch"), Positive(parse.GetValue(epochs), "--epochs"),
                Positive(parse.GetValue(every), "--checkpoint-every"),
                parse.GetValue(salt) is { } s ? HexBytes.Parse(s) : HexBytes.From(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16)));
            // Checked before any work: a run the validators would refuse (over pot.proofs.limits, or more re-execution than
            // they budget) is refused here with the code they would give, instead of after hours of training.
            var planned = Prover.Planned(data.Rows.Length, plan, Address.Parse(parse.GetValue(provider)!), parse.GetValue(agent)!, taskName, parse.GetValue(model)!);
            if (ProofAdmission.ManifestProblem(planned, settings.Proofs.Training) is { } problem)
                throw new ProofFormatException(problem.Code, $"validators would refuse this run: {problem.Message}");
            var stopwatch = Stopwatch.StartNew();
            var reported = -1;
            var record = Prover.Train(data, plan, Address.Parse(parse.GetValue(provider)!), parse.GetValue(agent)!, taskName, parse.GetValue(model)!,
                progress: (step, total) =>
                {
                    if (step * 10 / total <= reported) return;
                    reported = step * 10 / total;
                    Console.Error.WriteLine($"  training: step {step} of {total}");
                });
            File.WriteAllText(parse.GetValue(output)!, record.ToBundle().ToString(Formatting.None));
            Console.WriteLine(new JObject
            {
                ["hash"] = record.Hash().Value,
                ["kind"] = record.Kind,
                ["file"] = Path.GetFullPath(parse.GetValue(output)!),
                ["steps"] = record.Manifest.TotalSteps,
                ["checkpoints"] = record.Manifest.Checkpoints,
                ["trainingAccuracy"] = record.Manifest.ClaimedAccuracy / 1e6,
                ["seconds"] = Math.Round(stopwatch.Elapsed.TotalSeconds, 2)
            });
        }));
        return command;
    }

    private static Command PackZk()
    {
        var proof = new Option<FileInfo>("--proof") { Description = "snarkjs proof.json", Required = true };
        var signals = new Option<FileInfo>("--public") { Description = "snarkjs public.json", Required = true };
        var input = new Option<FileInfo>("--input")
        {
            Description = "The witness input the proof was made from (zk/gen_input.js writes it): only the trained model it commits to " +
                "(wNext, bNext, saltAfter) goes into the bundle, for validators to score; the batch and the weights before stay private",
            Required = true
        };
        var task = new Option<string>("--task")
        {
            Description = "The regression task of pot.proofs.tasks (kind = linear) validators score the model on", DefaultValueFactory = _ => "linear-2"
        };
        var output = new Option<string>("--out", "-o") { Description = "Bundle file to write", Required = true };
        var command = new Command("pack-zk",
            "Wrap a snarkjs proof of zk/circuits/sgd_step.circom, and the model it commits to, into a groth16-sgd-v1 bundle")
        {
            proof, signals, input, task, output, ConfigOption
        };
        command.SetAction(parse => Cli.Run(() =>
        {
            var tasks = Settings(parse).Proofs.LinearTasks;
            var taskName = parse.GetValue(task)!;
            if (!tasks.ContainsKey(taskName))
                throw new ArgumentException($"--task: '{taskName}' is not a regression task of pot.proofs.tasks ({string.Join(", ", tasks.Keys)})");
            var bundle = SgdStepProof.FromSnarkJs(ReadJson(parse.GetValue(proof)!, "--proof", JObject.Parse), ReadJson(parse.GetValue(signals)!, "--public", JArray.Parse),
                taskName, SgdStepModel.FromWitnessInput(ReadJson(parse.GetValue(input)!, "--input", JObject.Parse)));
            var check = Groth16.Verify(SgdStepCircuit.VerificationKey, bundle.Proof, bundle.PublicSignals);
            if (!check.Valid) throw new InvalidOperationException($"the proof does not verify against the circuit's key: {check.Reason}");
            if (!bundle.Model.Opens(bundle.Claim.CommitAfter))
                throw new InvalidOperationException("--input: its wNext, bNext and saltAfter do not open the proof's commitAfter (the input of another proof?)");
            File.WriteAllText(parse.GetValue(output)!, bundle.ToBundle().ToString(Formatting.None));
            Console.WriteLine(new JObject
            {
                ["hash"] = bundle.Hash().Value, ["claimKey"] = bundle.ClaimKey().Value, ["kind"] = SgdStepProof.Kind, ["task"] = taskName,
                ["file"] = Path.GetFullPath(parse.GetValue(output)!)
            });
        }));
        return command;
    }

    /// <summary>Reads a JSON file named by <paramref name="option"/>, saying which option is wrong when it is missing or not JSON.</summary>
    private static T ReadJson<T>(FileInfo file, string option, Func<string, T> parse)
    {
        if (!file.Exists) throw new FileNotFoundException($"{option}: no file {file.FullName}");
        try
        {
            return parse(File.ReadAllText(file.FullName));
        }
        catch (JsonReaderException e)
        {
            throw new FormatException($"{option}: {file.Name} is not the JSON expected: {e.Message}");
        }
    }

    private static Command Verify()
    {
        var file = new Argument<FileInfo>("bundle") { Description = "The bundle file" };
        var provider = new Option<string>("--provider") { Description = "The provider the round names", Required = true };
        var agent = new Option<string>("--agent") { Description = "The agent the round judges (default: the one a pol-v1 bundle names)" };
        var round = new Option<string>("--round") { Description = "The round's id (a groth16-sgd-v1 proof is bound to one round)", DefaultValueFactory = _ => "local" };
        var validator = new Option<string?>("--validator") { Description = "Whose challenge set to draw (default: a fixed address)" };
        var seed = new Option<string?>("--round-seed") { Description = "The round's seed (0x hex; default: keccak of the bundle hash)" };
        var command = new Command("verify", "Verify a bundle as a validator would: prints the verdict, its reason, score and cost") { file, provider, agent, round, validator, seed, ConfigOption };
        command.SetAction(parse => Cli.Run(() =>
        {
            var settings = Settings(parse);
            IProofBundle bundle;
            try
            {
                bundle = ProofBundle.Parse(File.ReadAllText(parse.GetValue(file)!.FullName));
            }
            catch (FormatException e)
            {
                // What a validator would vote on an unreadable bundle: a rejection, with its code.
                Console.WriteLine(VerdictJson(ProofVerdict.Refused((e as ProofFormatException)?.Code ?? ErrorCodes.MalformedProof, e.Message)));
                return 1;
            }
            var agentId = parse.GetValue(agent) ?? (bundle as TrainingRecord)?.Manifest.AgentId ?? "agent";
            var check = new ProofCheck(parse.GetValue(round)!, bundle.Kind, bundle.Hash(), Address.Parse(parse.GetValue(provider)!), agentId,
                parse.GetValue(seed) is { } s ? HexBytes.Parse(s) : HexBytes.From(Keccak.Hash(bundle.Hash().ToBytes())),
                parse.GetValue(validator) is { } v ? Address.Parse(v) : Address.Zero);
            var verdict = new ProofChecker(new ProofStore(settings.Proofs.Directory), settings.Proofs).CheckBundle(bundle, check, JudgedProofs.None);
            Console.WriteLine(VerdictJson(verdict));
            return verdict.Accepted ? 0 : 1;
        }));
        return command;
    }

    private static JObject VerdictJson(ProofVerdict verdict) => new()
    {
        ["accepted"] = verdict.Accepted,
        ["code"] = verdict.Code,
        ["reason"] = verdict.Reason,
        ["score"] = verdict.Score,
        ["intervals"] = new JArray(verdict.Intervals),
        ["reexecutedSteps"] = verdict.ReexecutedSteps,
        ["totalSteps"] = verdict.TotalSteps,
        ["maxDistance"] = verdict.MaxDistance,
        ["milliseconds"] = Math.Round(verdict.Elapsed.TotalMilliseconds, 1)
    };

    private static Command Upload()
    {
        var file = new Argument<FileInfo>("bundle") { Description = "The bundle file" };
        var command = new Command("upload", "Store a bundle on a node (PUT /v1/proofs); prints its hash for `pot send submit-proof`") { file, NodeOption };
        command.SetAction(parse => Cli.RunAsync(async () =>
        {
            using var client = new NodeClient(new Uri(parse.GetValue(NodeOption)!));
            return Cli.Print(await client.Put("/v1/proofs", await File.ReadAllTextAsync(parse.GetValue(file)!.FullName)));
        }));
        return command;
    }

    private static Command Show()
    {
        var hash = new Argument<string>("hash") { Description = "Proof hash" };
        var command = new Command("show", "What a stored proof claims (its manifest, or its ZK public claim)") { hash, NodeOption };
        command.SetAction(parse => Cli.RunAsync(async () =>
        {
            using var client = new NodeClient(new Uri(parse.GetValue(NodeOption)!));
            return Cli.Print(await client.Get($"/v1/proofs/{parse.GetValue(hash)}"));
        }));
        return command;
    }

    private static PotSettings Settings(ParseResult parse) =>
        PotConfig.Load(parse.GetValue(ConfigOption) is { } f ? ConfigurationFactory.ParseString(File.ReadAllText(f.FullName)) : null);

    private static int Positive(int value, string option) => value > 0 ? value : throw new ArgumentException($"{option}: at least 1");
}
