using System.Collections.Immutable;
using System.Globalization;

namespace PoT.Proofs;

/// <summary>One labelled example.</summary>
public sealed record Example(ImmutableArray<double> Features, int Label)
{
    /// <summary>The bytes a dataset commitment covers: label (int32 LE), then each feature as IEEE-754 float64 LE.</summary>
    public byte[] Bytes()
    {
        var bytes = new byte[4 + 8 * Features.Length];
        BitConverter.TryWriteBytes(bytes.AsSpan(0, 4), Label);
        for (var i = 0; i < Features.Length; i++) BitConverter.TryWriteBytes(bytes.AsSpan(4 + 8 * i, 8), Features[i]);
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("dataset commitments are defined little-endian");
        return bytes;
    }
}

/// <summary>A classification dataset: generated from a seed (Gaussian blobs, one per class) or read from CSV
/// (label,feature1,…). Its commitment is the Merkle root over the rows' bytes.</summary>
public sealed record Dataset(ImmutableArray<Example> Rows, int Features, int Classes)
{
    public MerkleTree Tree() => new(Rows.Select(r => r.Bytes()));

    /// <summary>Classes are blobs around centers drawn from the task seed; each example adds unit-variance noise times
    /// <paramref name="noise"/>. Two calls with the same task seed and different sample seeds draw from the same
    /// distribution: that is how a validator makes its own held-out challenge set.</summary>
    public static Dataset Blobs(ulong taskSeed, ulong sampleSeed, int rows, int features, int classes, double noise = 1.0, double spread = 3.0)
    {
        var centers = new SplitMix64(taskSeed);
        var center = Enumerable.Range(0, classes).Select(_ => Enumerable.Range(0, features).Select(_ => (centers.NextDouble() * 2 - 1) * spread).ToArray()).ToArray();
        var sample = new SplitMix64(sampleSeed);
        var examples = ImmutableArray.CreateBuilder<Example>(rows);
        for (var i = 0; i < rows; i++)
        {
            var label = sample.NextInt(classes);
            examples.Add(new Example([.. center[label].Select(c => c + noise * sample.NextGaussian())], label));
        }
        return new Dataset(examples.MoveToImmutable(), features, classes);
    }

    public static Dataset FromCsv(string path)
    {
        var rows = File.ReadLines(path)
            .Where(line => line.Length > 0 && !line.StartsWith('#') && !char.IsLetter(line[0]))
            .Select((line, n) =>
            {
                var cells = line.Split(',');
                if (!int.TryParse(cells[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var label) || label < 0)
                    throw new FormatException($"{path}:{n + 1}: the first column is the label, a class number from 0");
                return new Example([.. cells.Skip(1).Select(c => double.Parse(c, NumberStyles.Float, CultureInfo.InvariantCulture))], label);
            }).ToImmutableArray();
        if (rows.IsEmpty) throw new FormatException($"{path}: no rows");
        var features = rows[0].Features.Length;
        if (rows.Any(r => r.Features.Length != features)) throw new FormatException($"{path}: every row needs {features} features");
        return new Dataset(rows, features, rows.Max(r => r.Label) + 1);
    }
}
