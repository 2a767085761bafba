using System.Numerics;
using NBitcoin.Secp256k1;

namespace PoT.Protocol;

/// <summary>
/// Ethereum ECDSA signatures (65 bytes r ‖ s ‖ v). Recovery uses NBitcoin.Secp256k1 directly: about four times the
/// rate of Nethereum's recovery on this machine (FACTS.md), and it is on the path of every command.
/// </summary>
public static class EthSignature
{
    private static readonly BigInteger CurveOrder =
        BigInteger.Parse("0FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141", System.Globalization.NumberStyles.HexNumber);

    private static readonly BigInteger HalfOrder = CurveOrder / 2;

    /// <summary>Parses 0x + 130 hex digits. Rejects s in the upper half of the curve order (EIP-2): its twin would
    /// otherwise be a second valid signature of one message, and on-chain ecrecover users reject it.</summary>
    public static byte[] Parse(string? hex)
    {
        if (hex is null || hex.Length != 132 || !hex.StartsWith("0x", StringComparison.Ordinal)
            || hex.AsSpan(2).ContainsAnyExcept("0123456789abcdefABCDEF"))
            throw new ProtocolException(ErrorCodes.InvalidSignature, "a signature is 0x followed by 130 hex digits (r, s, v)");
        var bytes = Convert.FromHexString(hex.AsSpan(2));
        var r = new BigInteger(bytes.AsSpan(0, 32), isUnsigned: true, isBigEndian: true);
        var s = new BigInteger(bytes.AsSpan(32, 32), isUnsigned: true, isBigEndian: true);
        if (r.IsZero || r >= CurveOrder || s.IsZero || s >= CurveOrder)
            throw new ProtocolException(ErrorCodes.InvalidSignature, "r and s must lie in 1..n-1");
        if (s > HalfOrder)
            throw new ProtocolException(ErrorCodes.InvalidSignature, "s is in the upper half of the curve order (EIP-2); use the low-s form");
        if (bytes[64] is not (27 or 28 or 0 or 1))
            throw new ProtocolException(ErrorCodes.InvalidSignature, "v must be 27 or 28 (or 0 or 1)");
        return bytes;
    }

    /// <summary>Recovers the signing address of a 32-byte digest.</summary>
    public static Address Recover(ReadOnlySpan<byte> digest, ReadOnlySpan<byte> signature65)
    {
        var recoveryId = signature65[64] >= 27 ? signature65[64] - 27 : signature65[64];
        if (!SecpRecoverableECDSASignature.TryCreateFromCompact(signature65[..64], recoveryId, out var signature)
            || !ECPubKey.TryRecover(Context.Instance, signature!, digest, out var publicKey))
            throw new ProtocolException(ErrorCodes.InvalidSignature, "no public key recovers from this signature");
        return AddressOf(publicKey!);
    }

    public static Address AddressOf(ECPubKey publicKey)
    {
        Span<byte> uncompressed = stackalloc byte[65];
        publicKey.WriteToSpan(false, uncompressed, out _);
        return Address.FromBytes(Keccak.Hash(uncompressed[1..]).AsSpan(12));
    }
}
