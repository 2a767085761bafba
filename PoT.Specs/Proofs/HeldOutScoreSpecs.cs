using System.Collections.Immutable;
using System.Numerics;
using Akka.Configuration;
using PoT.Hosting;
using PoT.Proofs;
using PoT.Protocol;
using PoT.Specs.Support;
using Xunit;

namespace PoT.Specs.Proofs;

/// <summary>The regression task a ZK proof's model is scored on (<see cref="LinearTask"/>) and the score itself: R² on
/// held-out rows, clipped at 0, in millionths, failing closed.</summary>
public sealed class HeldOutScoreSpecs
{
    private static readonly LinearTask Task = PotConfig.Load().Proofs.LinearTasks[ZkFiles.Task];
    private static readonly ImmutableArray<RegressionExample> Rows = Task.Sample(7, 2_000);

    /// <summary>The task's true function in the circuit's fixed point (scale 2^8).</summary>
    private static (BigInteger[] W, BigInteger B) TrueModel()
    {
        var (w, b) = Task.Truth;
        return ([.. w.Select(v => new BigInteger(Math.Round(v * 256)))], new BigInteger(Math.Round(b * 256)));
    }

    [Fact]
    public void The_true_function_scores_all_but_the_share_of_the_noise()
    {
        var (w, b) = TrueModel();

        var score = HeldOutScore.Of(w, b, Rows);

        // Var(w*·x) = (4/3)·|w*|² ≈ 0.93 against noise variance 0.01: R² ≈ 0.989.
        Assert.InRange(score, 980_000u, 995_000u);
    }

    [Fact]
    public void Predicting_the_mean_scores_zero_and_worse_than_the_mean_also_zero_never_negative()
    {
        var mean = Rows.Average(r => r.Target);
        var (w, b) = TrueModel();

        Assert.InRange(HeldOutScore.Of([0, 0], new BigInteger(Math.Round(mean * 256)), Rows), 0u, 1_000u);
        Assert.Equal(0u, HeldOutScore.Of([.. w.Select(v => -v)], -b, Rows));
    }

    [Fact]
    public void A_row_that_is_not_a_number_scores_zero_instead_of_poisoning_the_comparison()
    {
        var (w, b) = TrueModel();
        var poisoned = Rows.SetItem(3, Rows[3] with { Target = double.NaN });

        Assert.Equal(0u, HeldOutScore.Of(w, b, poisoned));
    }

    [Fact]
    public void Challenge_sets_differ_between_validators_and_rounds_and_repeat_for_the_same_pair()
    {
        var seed = HexBytes.From(Keccak.Hash([1]));
        var other = HexBytes.From(Keccak.Hash([2]));

        var carol = Task.ChallengeSet(Keys.Carol.Address, seed);

        Assert.Equal(Task.ChallengeRows, carol.Length);
        Assert.NotEqual(carol[0], Task.ChallengeSet(Keys.Bob.Address, seed)[0]);
        Assert.NotEqual(carol[0], Task.ChallengeSet(Keys.Carol.Address, other)[0]);
        Assert.Equal(carol.Select(r => r.Target), Task.ChallengeSet(Keys.Carol.Address, seed).Select(r => r.Target));
    }

    [Theory]
    [InlineData("min-score = 0", "min-score must be 1 to 1000000")]
    [InlineData("challenge-rows = 1", "challenge-rows must be 2")]
    [InlineData("features = 0", "features must be 1 to 64")]
    [InlineData("kind = quadratic", "'quadratic' is not blobs or linear")]
    public void A_linear_task_that_could_not_judge_a_model_is_refused_at_startup(string setting, string problem)
    {
        var overrides = ConfigurationFactory.ParseString($"pot.proofs.tasks.linear-2 {{ {setting} }}");

        var error = Assert.Throws<ConfigurationException>(() => PotConfig.Load(overrides));

        Assert.Contains(problem, error.Message);
    }
}
