using System.Numerics;
using System.Text;
using PoT.Protocol;

namespace PoT.Proofs;

/// <summary>
/// The public claim of zk/circuits/sgd_step.circom, in the order snarkjs lists its public signals (outputs, then public
/// inputs in declaration order): commitments to the weights before and after one SGD step and to the batch, the
/// learning rate's numerator (over 2^8), the batch-loss bound, and the provider, agent and round the proof is bound to.
/// </summary>
public sealed record SgdStepClaim(BigInteger CommitBefore, BigInteger CommitAfter, BigInteger CommitBatch, BigInteger LrNum, BigInteger LossThreshold,
    BigInteger Provider, BigInteger Agent, BigInteger Round)
{
    public const int Signals = 8;

    public static SgdStepClaim From(IReadOnlyList<BigInteger> s) => new(s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7]);

    public static BigInteger AddressAsField(Address address) => new(address.ToBytes(), isUnsigned: true, isBigEndian: true);

    /// <summary>The circuit's <c>agent</c> input: uint256(keccak256(utf8("pot/zk/agent" ‖ agentId))) mod r. zk/gen_input.js
    /// computes the same.</summary>
    public static BigInteger AgentField(string agentId) => Field("pot/zk/agent", agentId);

    /// <summary>The circuit's <c>round</c> input: uint256(keccak256(utf8("pot/zk/round" ‖ roundId))) mod r, over the round
    /// id exactly as the round names itself (never parsed: whatever a round id comes to contain, it is hashed whole).</summary>
    public static BigInteger RoundField(string roundId) => Field("pot/zk/round", roundId);

    private static BigInteger Field(string domain, string id) =>
        new BigInteger(Keccak.Hash(Encoding.UTF8.GetBytes(domain + id)), isUnsigned: true, isBigEndian: true) % Bn254.ScalarOrder;

    /// <summary>What replay is judged by: keccak256("pot/zk/claim" ‖ each public signal as 32 bytes big-endian). Two
    /// proofs of one statement — a re-randomised proof, the same proof under another task label — have one key.</summary>
    public static HexBytes Key(IReadOnlyList<BigInteger> signals)
    {
        var bytes = new byte[32 * signals.Count];
        for (var i = 0; i < signals.Count; i++)
        {
            if (signals[i].Sign < 0 || signals[i] >= Bn254.ScalarOrder) throw new ArgumentOutOfRangeException(nameof(signals), "a public signal is not a field element");
            signals[i].TryWriteBytes(bytes.AsSpan(32 * i, 32)[(32 - signals[i].GetByteCount(isUnsigned: true))..], out _, isUnsigned: true, isBigEndian: true);
        }
        return HexBytes.From(Keccak.Hash(Encoding.UTF8.GetBytes("pot/zk/claim"), bytes));
    }
}
