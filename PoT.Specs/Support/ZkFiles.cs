using System.Diagnostics;
using Newtonsoft.Json.Linq;
using PoT.Proofs;

namespace PoT.Specs.Support;

/// <summary>The committed artifacts of zk/ (found from the test binaries by walking up to the repository root), and
/// the circuit's witness generator run with node.</summary>
public static class ZkFiles
{
    /// <summary>The task both committed samples were trained for (zk/gen_input.js mirrors its function).</summary>
    public const string Task = "linear-2";

    /// <summary>The round both samples are bound to: agent-1's first round on the network of ValidatorDutySpecs (its
    /// genesis and the development domain make the tag), as zk/samples.sh wrote it when it proved them.</summary>
    public static string Round => File.ReadAllText(Zk("build/sample-round.txt")).Trim();

    /// <summary>The honest sample (zk/build): Alice's proof for agent-1 in round <see cref="Round"/>, with the model it opens.</summary>
    public static SgdStepProof Committed() => Bundle("build");

    /// <summary>The useless sample (zk/build/useless): the same binding, an honest step from zero weights.</summary>
    public static SgdStepProof Useless() => Bundle("build/useless");

    private static SgdStepProof Bundle(string dir) =>
        SgdStepProof.FromSnarkJs(Json($"{dir}/proof.json"), Array($"{dir}/public.json"), Task, SgdStepModel.FromWitnessInput(Json($"{dir}/input.json")));

    public static readonly string Root = FindRoot();

    public static string Zk(string relative) => Path.Combine(Root, "zk", relative);

    public static JObject Json(string relative) => JObject.Parse(File.ReadAllText(Zk(relative)));

    public static JArray Array(string relative) => JArray.Parse(File.ReadAllText(Zk(relative)));

    /// <summary>Runs `node zk/gen_input.js args` and then the circuit's witness generator on its output; returns the
    /// generator's exit code and error output (the circuit's failed assertion lands there).</summary>
    public static (int ExitCode, string Error) GenerateWitness(TempDir dir, params string[] genInputArgs)
    {
        var input = Run("node", [Zk("gen_input.js"), .. genInputArgs]);
        if (input.ExitCode != 0) throw new InvalidOperationException($"gen_input.js failed: {input.Error}");
        File.WriteAllText(dir.File("input.json"), input.Output);
        var witness = Run("node", [Zk("build/sgd_step_js/generate_witness.js"), Zk("build/sgd_step_js/sgd_step.wasm"), dir.File("input.json"), dir.File("witness.wtns")]);
        return (witness.ExitCode, witness.Error + witness.Output);
    }

    public static JObject Input(params string[] genInputArgs)
    {
        var input = Run("node", [Zk("gen_input.js"), .. genInputArgs]);
        return input.ExitCode == 0 ? JObject.Parse(input.Output) : throw new InvalidOperationException($"gen_input.js failed: {input.Error}");
    }

    private static (int ExitCode, string Output, string Error) Run(string file, string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true })
            ?? throw new InvalidOperationException($"could not start {file}");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output.Result, error);
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "PoT.sln"))) return dir.FullName;
        throw new InvalidOperationException($"no PoT.sln above {AppContext.BaseDirectory}");
    }
}
