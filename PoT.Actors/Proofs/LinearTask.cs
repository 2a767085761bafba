using System.Collections.Immutable;
using System.Numerics;
using System.Text;
using PoT.Protocol;

namespace PoT.Proofs;

/// <summary>One example of a regression task: features and the value to predict.</summary>
public sealed record RegressionExample(ImmutableArray<double> Features, double Target);

/// <summary>
/// A regression task (`kind = linear` in pot.proofs.tasks): a true linear function y = w*·x + b* drawn from the task's
/// seed (w*, b* uniform in [−1, 1]), inputs uniform in [−2, 2]^features, plus noise uniform with standard deviation
/// <see cref="Noise"/>. Every draw is SplitMix64 and IEEE arithmetic in a fixed order — no library function whose last
/// bit could differ between machines — so every validator computes the same rows from the same seed. A
/// <c>groth16-sgd-v1</c> proof names its task; the model it opens is scored on the validator's own challenge set, and
/// a score under <see cref="MinScore"/> (millionths of R²) is refused.
/// </summary>
public sealed record LinearTask(string Name, ulong Seed, int Features, double Noise, int ChallengeRows, uint MinScore)
{
    public const string KindName = "linear";
    public const double InputRange = 2.0;

    /// <summary>The true function: its weights, then its bias.</summary>
    public (ImmutableArray<double> Weights, double Bias) Truth
    {
        get
        {
            var g = new SplitMix64(Seed);
            ImmutableArray<double> w = [.. Enumerable.Range(0, Features).Select(_ => g.NextDouble() * 2 - 1)];
            return (w, g.NextDouble() * 2 - 1);
        }
    }

    /// <summary>Rows of the task drawn with <paramref name="sampleSeed"/>: the same distribution for every sample seed.</summary>
    public ImmutableArray<RegressionExample> Sample(ulong sampleSeed, int rows)
    {
        var (w, b) = Truth;
        var g = new SplitMix64(sampleSeed);
        var spread = Noise * Math.Sqrt(3); // a uniform variable on [−a, a] has standard deviation a/√3
        var examples = ImmutableArray.CreateBuilder<RegressionExample>(rows);
        for (var r = 0; r < rows; r++)
        {
            var x = new double[Features];
            for (var i = 0; i < Features; i++) x[i] = (g.NextDouble() * 2 - 1) * InputRange;
            var y = b;
            for (var i = 0; i < Features; i++) y += w[i] * x[i];
            examples.Add(new RegressionExample([.. x], y + (g.NextDouble() * 2 - 1) * spread));
        }
        return examples.MoveToImmutable();
    }

    /// <summary>The validator's challenge set for one round: drawn from keccak("pot/zk/challenge" ‖ validator ‖ round
    /// seed), so no two validators test on the same rows and no provider knows them before the round opens.</summary>
    public ImmutableArray<RegressionExample> ChallengeSet(Address validator, HexBytes roundSeed) =>
        Sample(SplitMix64.SeedFrom(Keccak.Hash(Encoding.UTF8.GetBytes("pot/zk/challenge"), validator.ToBytes(), roundSeed.ToBytes())), ChallengeRows);
}

/// <summary>How well a fixed-point linear model predicts held-out rows.</summary>
public static class HeldOutScore
{
    /// <summary>
    /// R² clipped at 0, in millionths: max(0, 1 − MSE(model) / MSE(predicting the rows' mean)). The model is the
    /// circuit's (weights and bias over 2^<paramref name="scaleBits"/>), so a model that predicts no better than the mean
    /// scores 0 and a perfect one 1,000,000. Sums run in row order in doubles (deterministic); anything non-finite, and
    /// a challenge set without variance, scores 0 — fail closed, never a NaN that slips past a threshold.
    /// </summary>
    public static uint Of(IReadOnlyList<BigInteger> w, BigInteger b, IReadOnlyList<RegressionExample> rows, int scaleBits = 8)
    {
        if (rows.Count < 2 || rows.Any(r => r.Features.Length != w.Count)) return 0;
        double scale = 1L << scaleBits;
        var weights = w.Select(v => (double)v / scale).ToArray();
        var bias = (double)b / scale;
        var mean = 0.0;
        foreach (var row in rows) mean += row.Target;
        mean /= rows.Count;
        double model = 0, baseline = 0;
        foreach (var row in rows)
        {
            var prediction = bias;
            for (var i = 0; i < weights.Length; i++) prediction += weights[i] * row.Features[i];
            model += (prediction - row.Target) * (prediction - row.Target);
            baseline += (mean - row.Target) * (mean - row.Target);
        }
        if (!double.IsFinite(model) || !(baseline > 0) || !double.IsFinite(baseline)) return 0;
        var r2 = 1 - model / baseline;
        return r2 > 0 ? (uint)Math.Min(1_000_000, Math.Floor(r2 * 1_000_000)) : 0;
    }
}
