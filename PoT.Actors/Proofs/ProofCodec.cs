using System.Buffers.Binary;
using System.Collections.Immutable;
using Newtonsoft.Json;
using PoT.Persistence;

namespace PoT.Proofs;

/// <summary>
/// Exact encodings of a training log and a dataset inside a proof bundle: the same little-endian bytes their Merkle
/// leaves hash, length-prefixed. Binary, not JSON, because a double that went through text could come back one ulp
/// off and no longer match its commitment.
/// </summary>
public static class ProofCodec
{
    /// <summary>PotJson for proof manifests, except that numbers with a fraction parse as double (the decimal parse
    /// PotJson uses for amounts would underflow tiny tolerances).</summary>
    public static readonly JsonSerializer Json = JsonSerializer.Create(new JsonSerializerSettings(PotJson.Settings) { FloatParseHandling = FloatParseHandling.Double });

    public static byte[] EncodeCheckpoints(IReadOnlyList<Checkpoint> checkpoints)
    {
        using var stream = new MemoryStream();
        using var writer = new BinaryWriter(stream);
        writer.Write(checkpoints.Count);
        foreach (var checkpoint in checkpoints)
        {
            var bytes = checkpoint.Bytes();
            writer.Write(bytes.Length);
            writer.Write(bytes);
        }
        writer.Flush();
        return stream.ToArray();
    }

    public static ImmutableArray<Checkpoint> DecodeCheckpoints(byte[] data)
    {
        var reader = new Reader(data, "checkpoints");
        var count = reader.Count(4);
        var checkpoints = ImmutableArray.CreateBuilder<Checkpoint>(count);
        for (var i = 0; i < count; i++)
        {
            var entry = new Reader(reader.Bytes(reader.Count(1)), $"checkpoint {i}");
            var step = entry.Int();
            var weights = entry.Count(8);
            var w = ImmutableArray.CreateBuilder<double>(weights);
            for (var j = 0; j < weights; j++) w.Add(entry.Double());
            var batches = entry.Count(4);
            var b = ImmutableArray.CreateBuilder<ImmutableArray<int>>(batches);
            for (var j = 0; j < batches; j++)
            {
                var size = entry.Count(4);
                var batch = ImmutableArray.CreateBuilder<int>(size);
                for (var k = 0; k < size; k++) batch.Add(entry.Int());
                b.Add(batch.MoveToImmutable());
            }
            entry.End();
            checkpoints.Add(new Checkpoint(step, w.MoveToImmutable(), b.MoveToImmutable()));
        }
        reader.End();
        return checkpoints.MoveToImmutable();
    }

    public static byte[] EncodeDataset(Dataset dataset)
    {
        using var stream = new MemoryStream();
        using var writer = new BinaryWriter(stream);
        writer.Write(dataset.Rows.Length);
        writer.Write(dataset.Features);
        writer.Write(dataset.Classes);
        foreach (var row in dataset.Rows) writer.Write(row.Bytes());
        writer.Flush();
        return stream.ToArray();
    }

    public static Dataset DecodeDataset(byte[] data)
    {
        var reader = new Reader(data, "dataset");
        var rows = reader.Count(4);
        var features = reader.Count(8);
        var classes = reader.Count(0);
        var examples = ImmutableArray.CreateBuilder<Example>(rows);
        for (var i = 0; i < rows; i++)
        {
            var label = reader.Int();
            var x = ImmutableArray.CreateBuilder<double>(features);
            for (var f = 0; f < features; f++) x.Add(reader.Double());
            examples.Add(new Example(x.MoveToImmutable(), label));
        }
        reader.End();
        return new Dataset(examples.MoveToImmutable(), features, classes);
    }

    /// <summary>Reads little-endian values, refusing counts larger than the bytes left could hold.</summary>
    private sealed class Reader(byte[] data, string what)
    {
        private int _at;

        public int Int()
        {
            Need(4);
            var value = BinaryPrimitives.ReadInt32LittleEndian(data.AsSpan(_at));
            _at += 4;
            return value;
        }

        /// <summary>A float64; NaN and infinities are refused here, so none ever reaches a verifier's arithmetic
        /// (NaN fails every comparison, and a check written as "distance > tolerance" would pass it).</summary>
        public double Double()
        {
            Need(8);
            var value = BinaryPrimitives.ReadDoubleLittleEndian(data.AsSpan(_at));
            if (!double.IsFinite(value)) throw ProofFormatException.NonFinite($"{what}, byte {_at}");
            _at += 8;
            return value;
        }

        /// <summary>A count of items of at least <paramref name="minItemBytes"/> each that must fit in what is left.</summary>
        public int Count(int minItemBytes)
        {
            var count = Int();
            if (count < 0 || (long)count * minItemBytes > data.Length - _at) throw new FormatException($"{what}: truncated or corrupt (a count of {count} does not fit the bytes left)");
            return count;
        }

        public byte[] Bytes(int length)
        {
            Need(length);
            var bytes = data.AsSpan(_at, length).ToArray();
            _at += length;
            return bytes;
        }

        public void End()
        {
            if (_at != data.Length) throw new FormatException($"{what}: {data.Length - _at} unexpected trailing bytes");
        }

        private void Need(int bytes)
        {
            if (data.Length - _at < bytes) throw new FormatException($"{what}: truncated");
        }
    }
}
