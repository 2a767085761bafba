using System.CommandLine;
using PoT.Host.Cli;
using PoT.Proofs;
using PoT.Protocol;
using PoT.Specs.Support;
using Xunit;

namespace PoT.Specs.Cli;

/// <summary>`pot proof pack-zk`, run in process as a provider runs it: the committed snarkjs files become the bundle the
/// specs verify, and a missing or mismatched file is one clear line and exit code 1, with nothing written; `pot proof
/// train` refuses a run the validators would refuse before it trains.</summary>
public sealed class ProofCommandSpecs : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static (int ExitCode, string Error) Pot(params string[] args)
    {
        var error = new StringWriter();
        var before = Console.Error;
        Console.SetError(error);
        try
        {
            return (new RootCommand { ProofCommand.Create() }.Parse(args).Invoke(), error.ToString());
        }
        finally
        {
            Console.SetError(before);
        }
    }

    private (int ExitCode, string Error) PackZk(string sample, string input) =>
        Pot("proof", "pack-zk", "--proof", ZkFiles.Zk($"{sample}/proof.json"), "--public", ZkFiles.Zk($"{sample}/public.json"), "--input", ZkFiles.Zk(input),
            "-o", _dir.File("zk.json"));

    [Fact]
    public void Packing_the_committed_proof_writes_the_bundle_with_its_task_and_the_model_it_opens()
    {
        var (exitCode, error) = PackZk("build", "build/input.json");

        Assert.True(exitCode == 0, error);
        var bundle = Assert.IsType<SgdStepProof>(ProofBundle.Parse(File.ReadAllText(_dir.File("zk.json"))));
        Assert.Equal(ZkFiles.Committed().Hash(), bundle.Hash());
        Assert.Equal(ZkFiles.Task, bundle.Task);
        Assert.True(bundle.Model.Opens(bundle.Claim.CommitAfter));
    }

    [Fact]
    public void A_missing_file_is_named_and_nothing_is_written()
    {
        var (exitCode, error) = PackZk("build", "build/no-such-input.json");

        Assert.Equal(1, exitCode);
        Assert.Contains("--input: no file", error);
        Assert.False(File.Exists(_dir.File("zk.json")));
    }

    [Fact]
    public void An_input_whose_model_the_proof_does_not_commit_to_is_refused_and_nothing_is_written()
    {
        var (exitCode, error) = PackZk("build", "build/useless/input.json");

        Assert.Equal(1, exitCode);
        Assert.Contains("do not open the proof's commitAfter", error);
        Assert.False(File.Exists(_dir.File("zk.json")));
    }

    [Theory]
    [InlineData("--epochs", "1001", "proof-over-budget")]
    [InlineData("--epochs", "2000000000", "proof-over-budget")]
    [InlineData("--learning-rate", "NaN", "non-finite-number")]
    public void A_training_run_the_validators_would_refuse_is_refused_with_their_code_before_any_training(string option, string value, string code)
    {
        // Before the check, --epochs 2000000000 built a schedule of billions of batches (memory, then hours) and --epochs
        // 1001 trained to the end, only for `verify` and every validator to refuse it.
        var (exitCode, error) = Pot("proof", "train", "--provider", EthKey.FromSeed("cli-provider").Address.ToString(), "--agent", "a-1", "--rows", "200",
            option, value, "-o", _dir.File("proof.json"));

        Assert.Equal(1, exitCode);
        Assert.StartsWith($"pot: {code}: validators would refuse this run", error);
        Assert.DoesNotContain("training: step", error);
        Assert.False(File.Exists(_dir.File("proof.json")));
    }
}
