using Org.BouncyCastle.Crypto.Digests;

namespace PoT.Protocol;

/// <summary>Keccak-256 as Ethereum uses it (not NIST SHA3-256).</summary>
public static class Keccak
{
    public static byte[] Hash(ReadOnlySpan<byte> data)
    {
        var digest = new KeccakDigest(256);
        digest.BlockUpdate(data);
        var output = new byte[32];
        digest.DoFinal(output);
        return output;
    }

    public static byte[] Hash(params byte[][] parts)
    {
        var digest = new KeccakDigest(256);
        foreach (var part in parts) digest.BlockUpdate(part);
        var output = new byte[32];
        digest.DoFinal(output);
        return output;
    }

    public static string Hex(ReadOnlySpan<byte> bytes) => "0x" + Convert.ToHexStringLower(bytes);
}
