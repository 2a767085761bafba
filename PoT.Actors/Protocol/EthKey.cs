using System.Security.Cryptography;
using NBitcoin.Secp256k1;

namespace PoT.Protocol;

/// <summary>An Ethereum private key that signs digests (RFC 6979 deterministic, low-s, v = 27/28).
/// Used by `pot keys`, `pot send`, simulations and specs; the node itself only recovers.</summary>
public sealed class EthKey : IDisposable
{
    private readonly ECPrivKey _key;

    public Address Address { get; }

    public EthKey(ReadOnlySpan<byte> privateKey32)
    {
        if (privateKey32.Length != 32 || !ECPrivKey.TryCreate(privateKey32, out var key))
            throw new ArgumentException("a private key is 32 bytes in 1..n-1");
        _key = key!;
        Address = EthSignature.AddressOf(_key.CreatePubKey());
    }

    public static EthKey FromHex(string hex) => new(Convert.FromHexString(hex.StartsWith("0x", StringComparison.Ordinal) ? hex[2..] : hex));

    public static EthKey Generate()
    {
        Span<byte> secret = stackalloc byte[32];
        while (true)
        {
            RandomNumberGenerator.Fill(secret);
            if (ECPrivKey.TryCreate(secret, out var key))
            {
                key!.Dispose();
                return new EthKey(secret);
            }
        }
    }

    /// <summary>Deterministic test keys for simulations and specs: keccak256(seed).</summary>
    public static EthKey FromSeed(string seed) => new(Keccak.Hash(System.Text.Encoding.UTF8.GetBytes(seed)));

    public string PrivateKeyHex()
    {
        Span<byte> bytes = stackalloc byte[32];
        _key.WriteToSpan(bytes);
        return Keccak.Hex(bytes);
    }

    /// <summary>A secret only this key's holder can compute, for one purpose: keccak256(purpose ‖ private key). The
    /// validator duty derives its vote salts from it, so a restarted node seals the same vote again (never a
    /// different one, which would be equivocation) without keeping salts in a file.</summary>
    public HexBytes DeriveSecret(string purpose)
    {
        Span<byte> bytes = stackalloc byte[32];
        _key.WriteToSpan(bytes);
        var secret = Keccak.Hash(System.Text.Encoding.UTF8.GetBytes(purpose), bytes.ToArray());
        bytes.Clear();
        return HexBytes.From(secret);
    }

    /// <summary>Signs a 32-byte digest: 65 bytes r ‖ s ‖ v with v = 27 + recovery id.</summary>
    public byte[] Sign(ReadOnlySpan<byte> digest32)
    {
        if (!_key.TrySignRecoverable(digest32, out var signature))
            throw new CryptographicException("signing failed");
        var output = new byte[65];
        signature!.WriteToSpanCompact(output.AsSpan(0, 64), out var recoveryId);
        output[64] = (byte)(27 + recoveryId);
        return output;
    }

    public string SignHex(ReadOnlySpan<byte> digest32) => Keccak.Hex(Sign(digest32));

    public void Dispose() => _key.Dispose();
}
