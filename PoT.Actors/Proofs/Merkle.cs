using System.Collections.Immutable;
using PoT.Protocol;

namespace PoT.Proofs;

/// <summary>A path from a leaf to the root: the sibling at each level (null where the node had no sibling and rose
/// unchanged).</summary>
public sealed record MerkleProof(int Index, ImmutableArray<HexBytes?> Siblings);

/// <summary>
/// A binary Merkle tree over keccak256 with domain separation (leaf = keccak(0x00 ‖ data), node = keccak(0x01 ‖ left ‖
/// right)), so a leaf can never pass for an inner node. An odd node at the end of a level rises unchanged.
/// </summary>
public sealed class MerkleTree
{
    private readonly List<byte[][]> _levels = [];

    public MerkleTree(IEnumerable<byte[]> leafData)
    {
        var level = leafData.Select(Leaf).ToArray();
        if (level.Length == 0) throw new ArgumentException("a Merkle tree needs at least one leaf");
        _levels.Add(level);
        while (level.Length > 1)
        {
            var next = new byte[(level.Length + 1) / 2][];
            for (var i = 0; i < next.Length; i++)
                next[i] = 2 * i + 1 < level.Length ? Node(level[2 * i], level[2 * i + 1]) : level[2 * i];
            _levels.Add(level = next);
        }
    }

    public HexBytes Root => HexBytes.From(_levels[^1][0]);

    public int Count => _levels[0].Length;

    public MerkleProof Prove(int index)
    {
        if (index < 0 || index >= Count) throw new ArgumentOutOfRangeException(nameof(index));
        var siblings = ImmutableArray.CreateBuilder<HexBytes?>();
        var position = index;
        foreach (var level in _levels.Take(_levels.Count - 1))
        {
            var sibling = position ^ 1;
            siblings.Add(sibling < level.Length ? HexBytes.From(level[sibling]) : null);
            position /= 2;
        }
        return new MerkleProof(index, siblings.ToImmutable());
    }

    public static bool Verify(HexBytes root, ReadOnlySpan<byte> data, MerkleProof proof)
    {
        var hash = Leaf(data.ToArray());
        var position = proof.Index;
        foreach (var sibling in proof.Siblings)
        {
            if (sibling is { } s)
                hash = (position & 1) == 0 ? Node(hash, s.ToBytes()) : Node(s.ToBytes(), hash);
            position /= 2;
        }
        return position == 0 && HexBytes.From(hash) == root;
    }

    /// <summary>The number of levels above the leaves of a tree over <paramref name="leaves"/> leaves (each proof has
    /// this many siblings).</summary>
    public static int Depth(int leaves)
    {
        var depth = 0;
        for (var width = leaves; width > 1; width = (width + 1) / 2) depth++;
        return depth;
    }

    /// <summary>
    /// Verifies many openings of one tree of <paramref name="leaves"/> leaves at once: hashes the union of their paths
    /// level by level, computing every node the openings share once and taking a sibling from a proof only where it
    /// was not computed. Sound for the same reason a single proof is: every value used either comes from an opened
    /// leaf or reaches the root, so a wrong row or sibling changes the root (short of a keccak collision).
    /// </summary>
    public static bool VerifyMany(HexBytes root, int leaves, IReadOnlyCollection<(int Index, byte[] Data, MerkleProof Proof)> openings)
    {
        var depth = Depth(leaves);
        if (openings.Count == 0) return true;
        var level = new Dictionary<int, (byte[] Hash, MerkleProof Proof)>(openings.Count);
        foreach (var (index, data, proof) in openings)
        {
            if (index < 0 || index >= leaves || proof.Index != index || proof.Siblings.Length != depth) return false;
            var leaf = Leaf(data);
            if (level.TryGetValue(index, out var seen) && !seen.Hash.AsSpan().SequenceEqual(leaf)) return false;
            level[index] = (leaf, proof);
        }
        for (var d = 0; d < depth; d++)
        {
            var next = new Dictionary<int, (byte[] Hash, MerkleProof Proof)>(level.Count);
            foreach (var (position, (hash, proof)) in level)
            {
                if (next.ContainsKey(position / 2)) continue;
                var sibling = level.TryGetValue(position ^ 1, out var computed) ? computed.Hash : proof.Siblings[d]?.ToBytes();
                var parent = sibling is null ? hash : (position & 1) == 0 ? Node(hash, sibling) : Node(sibling, hash);
                next[position / 2] = (parent, proof);
            }
            level = next;
        }
        return level.Count == 1 && level.TryGetValue(0, out var top) && HexBytes.From(top.Hash) == root;
    }

    public static byte[] Leaf(byte[] data) => Keccak.Hash([0x00], data);

    private static byte[] Node(byte[] left, byte[] right) => Keccak.Hash([0x01], left, right);
}
