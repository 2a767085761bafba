using FsCheck;
using FsCheck.Fluent;
using PoT.Proofs;
using PoT.Protocol;
using Xunit;

namespace PoT.Specs.Proofs;

/// <summary>The keccak Merkle tree behind dataset and checkpoint commitments: single and batched openings.</summary>
public sealed class MerkleTreeSpecs
{
    private static byte[][] Leaves(int n) => [.. Enumerable.Range(0, n).Select(i => BitConverter.GetBytes(i * 7919))];

    private static (int, byte[], MerkleProof)[] Openings(MerkleTree tree, byte[][] leaves, IEnumerable<int> indices) =>
        [.. indices.Select(i => (i, leaves[i], tree.Prove(i)))];

    [Fact]
    public void Every_leaf_of_trees_of_every_shape_proves_alone_and_together()
    {
        Prop.ForAll(Gen.Choose(1, 70).ToArbitrary(), Gen.Choose(0, 1_000_000).ToArbitrary(), (n, seed) =>
        {
            var leaves = Leaves(n);
            var tree = new MerkleTree(leaves);
            var random = new Random(seed);
            var subset = Enumerable.Range(0, n).Where(_ => random.Next(3) == 0).ToList();
            return Enumerable.Range(0, n).All(i => MerkleTree.Verify(tree.Root, leaves[i], tree.Prove(i)))
                   && MerkleTree.VerifyMany(tree.Root, n, Openings(tree, leaves, subset))
                   && tree.Prove(0).Siblings.Length == MerkleTree.Depth(n);
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void A_changed_row_among_many_fails_the_batch()
    {
        var leaves = Leaves(37);
        var tree = new MerkleTree(leaves);
        var openings = Openings(tree, leaves, [1, 2, 9, 30]);
        openings[2].Item2 = [1, 2, 3];

        Assert.False(MerkleTree.VerifyMany(tree.Root, 37, openings));
    }

    [Fact]
    public void A_forged_sibling_that_the_batch_needs_fails_it()
    {
        var leaves = Leaves(37);
        var tree = new MerkleTree(leaves);
        var openings = Openings(tree, leaves, [4, 30]);
        var proof = openings[1].Item3;
        var forged = proof.Siblings[0]!.Value.ToBytes();
        forged[5] ^= 0x80;
        openings[1].Item3 = proof with { Siblings = proof.Siblings.SetItem(0, HexBytes.From(forged)) };

        Assert.False(MerkleTree.VerifyMany(tree.Root, 37, openings));
    }

    [Fact]
    public void Openings_of_another_index_or_tree_size_fail()
    {
        var leaves = Leaves(37);
        var tree = new MerkleTree(leaves);

        Assert.False(MerkleTree.VerifyMany(tree.Root, 37, [(5, leaves[5], tree.Prove(6))]));
        Assert.False(MerkleTree.VerifyMany(tree.Root, 100, Openings(tree, leaves, [5])));
        Assert.False(MerkleTree.VerifyMany(tree.Root, 37, [(5, leaves[5], tree.Prove(5)), (5, leaves[6], tree.Prove(5))]));
    }

    [Fact]
    public void A_leaf_cannot_pass_for_an_inner_node()
    {
        // Without domain separation, the bytes of two leaf hashes would hash to their parent, and "prove" it as a leaf
        // one level up.
        var leaves = Leaves(4);
        var tree = new MerkleTree(leaves);
        byte[] parentAsData = [.. MerkleTree.Leaf(leaves[0]), .. MerkleTree.Leaf(leaves[1])];

        Assert.False(MerkleTree.Verify(tree.Root, parentAsData, new MerkleProof(0, [tree.Prove(0).Siblings[1]])));
    }
}
