namespace PoT.Protocol;

/// <summary>Bytes as 0x-prefixed lower-case hex: hashes, salts, signatures inside messages. A value (equality by
/// content), serialized as its string.</summary>
public readonly record struct HexBytes
{
    public string Value { get; }

    private HexBytes(string lowerHex) => Value = lowerHex;

    public static HexBytes From(ReadOnlySpan<byte> bytes) => new(Keccak.Hex(bytes));

    public static bool TryParse(string? text, out HexBytes value)
    {
        value = default;
        if (text is null || !text.StartsWith("0x", StringComparison.Ordinal) || text.Length % 2 != 0
            || text.AsSpan(2).ContainsAnyExcept("0123456789abcdefABCDEF"))
            return false;
        value = new HexBytes(text.ToLowerInvariant());
        return true;
    }

    public static HexBytes Parse(string text) =>
        TryParse(text, out var value) ? value : throw new FormatException($"'{text}' is not 0x-prefixed hex bytes");

    public byte[] ToBytes() => Convert.FromHexString((Value ?? "0x").AsSpan(2));

    public int Length => ((Value?.Length ?? 2) - 2) / 2;

    public override string ToString() => Value ?? "0x";
}
