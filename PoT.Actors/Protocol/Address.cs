using System.Diagnostics.CodeAnalysis;
using Nethereum.Util;

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
        return new Address(AddressUtil.Current.ConvertToChecksumAddress(Convert.ToHexStringLower(twentyBytes)));
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
        var checksummed = AddressUtil.Current.ConvertToChecksumAddress(text);
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

    public byte[] ToBytes() => Convert.FromHexString(Value.AsSpan(2));
}
