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

    public static byte[] Leaf(byte[] data) => Keccak.Hash([0x00], data);

    private static byte[] Node(byte[] left, byte[] right) => Keccak.Hash([0x01], left, right);
}
