using System.Diagnostics.CodeAnalysis;

namespace PoT.Protocol;

/// <summary>
/// An Ethereum account address, always held in EIP-55 checksummed form so that two spellings of one
/// address can never name two different entities.
/// </summary>
public readonly record struct Address : IComparable<Address>
{
    public static readonly Address Zero = new("0x0000000000000000000000000000000000000000");

    public string Value { get; }

    private Address(string checksummed) => Value = checksummed;

    public override string ToString() => Value ?? Zero.Value;

    public int CompareTo(Address other) => string.CompareOrdinal(Value, other.Value);

    public static Address FromBytes(ReadOnlySpan<byte> twentyBytes)
    {
        if (twentyBytes.Length != 20) throw new ArgumentException("an address has 20 bytes", nameof(twentyBytes));
        return new Address(Checksummed(Convert.ToHexStringLower(twentyBytes)));
    }

    /// <summary>Parses 0x + 40 hex digits. All-lower or all-upper is accepted; mixed case must be a valid EIP-55 checksum
    /// (it protects users from typos).</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out Address? address, out string? error)
    {
        address = null;
        error = null;
        if (text is null || text.Length != 42 || !text.StartsWith("0x", StringComparison.Ordinal))
        {
            error = "an address is 0x followed by 40 hex digits";
            return false;
        }
        var hex = text.AsSpan(2);
        foreach (var c in hex)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                error = "an address is 0x followed by 40 hex digits";
                return false;
            }
        }
        var checksummed = Checksummed(text.Substring(2).ToLowerInvariant());
        var mixedCase = hex.ContainsAnyInRange('a', 'f') && hex.ContainsAnyInRange('A', 'F');
        if (mixedCase && !string.Equals(checksummed, text, StringComparison.Ordinal))
        {
            error = "the address has mixed case but its EIP-55 checksum is wrong";
            return false;
        }
        address = new Address(checksummed);
        return true;
    }

    public static Address Parse(string text) =>
        TryParse(text, out var a, out var error) ? a.Value : throw new FormatException($"'{text}': {error}");

    /// <summary>EIP-55: a hex digit is upper case where the same nibble of keccak256(lower-case hex) is 8 or more.
    /// Written out here because it runs for every address of every command (Nethereum's allocates heavily).</summary>
    private static string Checksummed(string lowerHex40)
    {
        Span<byte> ascii = stackalloc byte[40];
        for (var i = 0; i < 40; i++) ascii[i] = (byte)lowerHex40[i];
        var hash = Keccak.Hash(ascii);
        return string.Create(42, (lowerHex40, hash), static (chars, state) =>
        {
            chars[0] = '0';
            chars[1] = 'x';
            for (var i = 0; i < 40; i++)
            {
                var c = state.lowerHex40[i];
                var nibble = (i & 1) == 0 ? state.hash[i / 2] >> 4 : state.hash[i / 2] & 0x0f;
                chars[i + 2] = c >= 'a' && nibble >= 8 ? (char)(c - 32) : c;
            }
        });
    }

    public byte[] ToBytes() => Convert.FromHexString(Value.AsSpan(2));
}
