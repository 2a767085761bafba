using System.Numerics;
using PoT.Protocol;

namespace PoT.Consensus;

/// <summary>A validator's verdict on a proof; the numbers are those signed in RevealVote.verdict.</summary>
public enum Verdict : byte
{
    Approve = 1,
    Reject = 2
}

/// <summary>A round's outcome.</summary>
public enum RoundVerdict
{
    Approved,
    Rejected,
    NoQuorum
}

public static class VoteCommitment
{
    /// <summary>keccak256(abi.encode(uint8 verdict, uint32 score, bytes32 salt, address validator)): four 32-byte words, as
    /// Solidity computes it, so a contract can check the same commitment.</summary>
    public static HexBytes Of(Verdict verdict, uint score, HexBytes salt, Address validator)
    {
        var words = new byte[128];
        words[31] = (byte)verdict;
        var scoreBytes = new BigInteger(score).ToByteArray(isUnsigned: true, isBigEndian: true);
        scoreBytes.CopyTo(words, 64 - scoreBytes.Length);
        var saltBytes = salt.ToBytes();
        if (saltBytes.Length != 32) throw new ArgumentException("a salt is 32 bytes", nameof(salt));
        saltBytes.CopyTo(words, 64);
        validator.ToBytes().CopyTo(words, 96 + 12);
        return HexBytes.From(Keccak.Hash(words));
    }

    public static HexBytes NewSalt() => HexBytes.From(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
}
