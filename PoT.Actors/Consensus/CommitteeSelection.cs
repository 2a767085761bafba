using System.Collections.Immutable;
using System.Numerics;
using System.Text;
using PoT.Protocol;

namespace PoT.Consensus;

/// <summary>
/// Draws a round's committee: stake-weighted sampling without replacement, from a seed anyone can recompute.
/// seed = keccak256(utf8(roundId) ‖ proofHash); the i-th draw takes r = uint256(keccak256(seed ‖ uint32 i)) mod the
/// remaining stake and walks the remaining validators, sorted by address, by cumulative stake. The provider is
/// never drawn for its own agent.
/// </summary>
public static class CommitteeSelection
{
    public static HexBytes Seed(string roundId, HexBytes proofHash) =>
        HexBytes.From(Keccak.Hash(Encoding.UTF8.GetBytes(roundId), proofHash.ToBytes()));

    public static ImmutableArray<CommitteeMember> Select(IEnumerable<CommitteeMember> eligible, HexBytes seed, int size, Address excluded)
    {
        var remaining = eligible.Where(v => v.Validator != excluded && v.Stake > UInt128.Zero)
            .OrderBy(v => v.Validator.Value, StringComparer.Ordinal).ToList();
        var committee = ImmutableArray.CreateBuilder<CommitteeMember>(Math.Min(size, remaining.Count));
        var seedBytes = seed.ToBytes();
        for (uint draw = 0; draw < size && remaining.Count > 0; draw++)
        {
            var total = remaining.Aggregate(BigInteger.Zero, (sum, v) => sum + (BigInteger)v.Stake);
            var index = new byte[4];
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(index, draw);
            var point = new BigInteger(Keccak.Hash(seedBytes, index), isUnsigned: true, isBigEndian: true) % total;
            var cumulative = BigInteger.Zero;
            for (var i = 0; i < remaining.Count; i++)
            {
                cumulative += (BigInteger)remaining[i].Stake;
                if (point < cumulative)
                {
                    committee.Add(remaining[i]);
                    remaining.RemoveAt(i);
                    break;
                }
            }
        }
        return committee.ToImmutable();
    }
}
