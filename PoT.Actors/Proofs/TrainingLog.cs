using System.Collections.Immutable;
using System.Runtime.InteropServices;
using System.Text;
using PoT.Protocol;

namespace PoT.Proofs;

/// <summary>How a model was trained. The seeds of the initial weights and of the batch order are derived from the
/// provider's address and <paramref name="SeedSalt"/>, which binds the whole training run to that provider.</summary>
public sealed record TrainingPlan(ModelSpec Model, double LearningRate, int BatchSize, int Epochs, int CheckpointEvery, HexBytes SeedSalt)
{
    public ulong InitSeed(Address provider) => Seed("pot/pol/init", provider);

    public ulong ShuffleSeed(Address provider) => Seed("pot/pol/shuffle", provider);

    private ulong Seed(string purpose, Address provider) =>
        SplitMix64.SeedFrom(Keccak.Hash(Encoding.UTF8.GetBytes(purpose), provider.ToBytes(), SeedSalt.ToBytes()));

    /// <summary>How many steps the plan takes over <paramref name="rows"/> rows (batches per epoch, rounded up, times
    /// epochs), and how many checkpoints its log holds: one at every k-th step from 0, and one at the last step if that
    /// is not one of them. The prover, the pre-flight check and the admission all count with these. Positive sizes only.</summary>
    public long Steps(long rows) => Epochs * ((rows + BatchSize - 1) / BatchSize);

    public long Checkpoints(long steps) => steps / CheckpointEvery + (steps % CheckpointEvery == 0 ? 1 : 2);

    /// <summary>The batch of every step: each epoch a Fisher–Yates permutation of the rows, cut into batches.</summary>
    public ImmutableArray<ImmutableArray<int>> Schedule(int rows, Address provider)
    {
        var random = new SplitMix64(ShuffleSeed(provider));
        var steps = ImmutableArray.CreateBuilder<ImmutableArray<int>>();
        var order = Enumerable.Range(0, rows).ToArray();
        for (var epoch = 0; epoch < Epochs; epoch++)
        {
            for (var i = rows - 1; i > 0; i--)
            {
                var j = random.NextInt(i + 1);
                (order[i], order[j]) = (order[j], order[i]);
            }
            for (var start = 0; start < rows; start += BatchSize)
                steps.Add([.. order.AsSpan(start, Math.Min(BatchSize, rows - start)).ToArray()]);
        }
        return steps.ToImmutable();
    }
}

/// <summary>The weights at <paramref name="Step"/> and the batches of the steps that follow, up to the next checkpoint.</summary>
public sealed record Checkpoint(int Step, ImmutableArray<double> Weights, ImmutableArray<ImmutableArray<int>> NextBatches)
{
    /// <summary>Canonical bytes (the Merkle leaf): step, weight count, weights as float64 LE, batch count, each batch as
    /// a count and int32 indices, all little-endian.</summary>
    public byte[] Bytes()
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("checkpoint commitments are defined little-endian");
        var ints = new List<int> { NextBatches.Length };
        foreach (var batch in NextBatches)
        {
            ints.Add(batch.Length);
            ints.AddRange(batch);
        }
        return [.. MemoryMarshal.AsBytes(new[] { Step, Weights.Length }.AsSpan()).ToArray(),
            .. MemoryMarshal.AsBytes(Weights.AsSpan()).ToArray(),
            .. MemoryMarshal.AsBytes(CollectionsMarshal.AsSpan(ints)).ToArray()];
    }

    public HexBytes WeightsHash() => HexBytes.From(Keccak.Hash(MemoryMarshal.AsBytes(Weights.AsSpan()).ToArray()));
}

/// <summary>Relative L∞ distance: max |a − b| / (1 + |b|) — tolerant of large weights, strict for small ones.</summary>
public static class WeightDistance
{
    /// <summary>The distance, or +∞ when the lengths differ or any term is not a number: Math.Max propagates NaN and
    /// NaN fails every comparison, so a NaN here must never be mistaken for "close".</summary>
    public static double Of(IReadOnlyList<double> a, IReadOnlyList<double> b)
    {
        if (a.Count != b.Count) return double.PositiveInfinity;
        var max = 0.0;
        for (var i = 0; i < a.Count; i++)
        {
            var d = Math.Abs(a[i] - b[i]) / (1 + Math.Abs(b[i]));
            if (!(d <= max))
            {
                if (double.IsNaN(d)) return double.PositiveInfinity;
                max = d;
            }
        }
        return max;
    }

    public static double L2(IReadOnlyList<double> a, IReadOnlyList<double> b)
    {
        var sum = 0.0;
        for (var i = 0; i < a.Count; i++) sum += (a[i] - b[i]) * (a[i] - b[i]);
        return Math.Sqrt(sum);
    }
}
