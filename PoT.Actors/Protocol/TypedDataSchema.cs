using System.Collections.Immutable;
using System.Numerics;
using System.Text;
using Newtonsoft.Json.Linq;

namespace PoT.Protocol;

public sealed record TypedMember(string Name, string Type);

/// <summary>A struct value checked against the schema: fields in schema order, values normalized
/// (<see cref="Address"/>, <see cref="BigInteger"/>, string, bool, byte[], object[] or nested <see cref="TypedStruct"/>).</summary>
public sealed record TypedStruct(string Type, ImmutableArray<KeyValuePair<string, object>> Fields)
{
    public object this[string name] => Fields.First(f => f.Key == name).Value;
}

/// <summary>
/// EIP-712 typed-data schema (contracts/pot.eip712.json): reads a message against its type, encodes and hashes
/// it exactly as EIP-712 specifies, and writes its canonical JSON. Our own encoder because it runs on the hot
/// path for every command; PoT.Specs cross-checks it against Nethereum's and against the spec's "Mail" vector.
/// </summary>
public sealed class TypedDataSchema
{
    public const string DomainType = "EIP712Domain";

    private readonly Dictionary<string, byte[]> _typeHashes = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, ImmutableArray<TypedMember>> Types { get; }
    public string DomainName { get; }
    public string DomainVersion { get; }

    private TypedDataSchema(IReadOnlyDictionary<string, ImmutableArray<TypedMember>> types, string name, string version)
    {
        Types = types;
        DomainName = name;
        DomainVersion = version;
        foreach (var type in types.Keys) _typeHashes[type] = Keccak.Hash(Encoding.UTF8.GetBytes(EncodeType(type)));
    }

    /// <summary>The schema shipped in contracts/pot.eip712.json (embedded into this assembly at build time).</summary>
    public static TypedDataSchema Pot { get; } = Parse(EmbeddedSchemaJson());

    public static string EmbeddedSchemaJson()
    {
        using var stream = typeof(TypedDataSchema).Assembly.GetManifestResourceStream("pot.eip712.json")
            ?? throw new InvalidOperationException("contracts/pot.eip712.json is not embedded in PoT.Actors");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>Reads a schema document: <c>{"domain":{"name","version"},"types":{...}}</c>.</summary>
    public static TypedDataSchema Parse(string json)
    {
        var root = JObject.Parse(json);
        var types = new Dictionary<string, ImmutableArray<TypedMember>>(StringComparer.Ordinal);
        foreach (var property in ((JObject?)root["types"] ?? throw new FormatException("schema has no 'types'")).Properties())
        {
            types[property.Name] = property.Value.Select(m => new TypedMember(
                (string?)m["name"] ?? throw new FormatException($"{property.Name}: member without name"),
                (string?)m["type"] ?? throw new FormatException($"{property.Name}: member without type"))).ToImmutableArray();
        }
        foreach (var (type, members) in types)
        foreach (var member in members)
        {
            if (!IsKnownType(ElementType(member.Type), types))
                throw new FormatException($"{type}.{member.Name}: unknown type '{member.Type}'");
        }
        var domain = root["domain"];
        return new TypedDataSchema(types, (string?)domain?["name"] ?? "", (string?)domain?["version"] ?? "");
    }

    public bool HasType(string type) => Types.ContainsKey(type);

    public ImmutableArray<TypedMember> Members(string type) =>
        Types.TryGetValue(type, out var members) ? members : throw new ProtocolException(ErrorCodes.UnknownCommandType, $"unknown type '{type}'");

    /// <summary>EIP-712 encodeType: the primary type, then every type it references, sorted by name.</summary>
    public string EncodeType(string primaryType)
    {
        var dependencies = new SortedSet<string>(StringComparer.Ordinal);
        CollectDependencies(primaryType, dependencies);
        dependencies.Remove(primaryType);
        var sb = new StringBuilder();
        foreach (var type in new[] { primaryType }.Concat(dependencies))
            sb.Append(type).Append('(').Append(string.Join(',', Types[type].Select(m => $"{m.Type} {m.Name}"))).Append(')');
        return sb.ToString();
    }

    public byte[] TypeHash(string type) => _typeHashes[type];

    /// <summary>Checks a JSON message against its type and normalizes it. Throws <see cref="ProtocolException"/>
    /// (missing-field, invalid-field, amount-overflow) naming the field.</summary>
    public TypedStruct Read(string type, JObject message, string path = "")
    {
        var members = Members(type);
        foreach (var property in message.Properties())
        {
            if (!members.Any(m => m.Name == property.Name))
                throw new ProtocolException(ErrorCodes.InvalidField, $"{path}{property.Name}: not a field of {type}");
        }
        var fields = ImmutableArray.CreateBuilder<KeyValuePair<string, object>>(members.Length);
        foreach (var member in members)
        {
            var token = message[member.Name];
            if (token is null || token.Type == JTokenType.Null || token.Type == JTokenType.Undefined)
                throw new ProtocolException(ErrorCodes.MissingField, $"{path}{member.Name}: required ({member.Type})");
            fields.Add(new(member.Name, ReadValue(member.Type, token, path + member.Name)));
        }
        return new TypedStruct(type, fields.MoveToImmutable());
    }

    /// <summary>EIP-712 hashStruct.</summary>
    public byte[] HashStruct(TypedStruct value)
    {
        var members = Types[value.Type];
        var buffer = new byte[32 * (members.Length + 1)];
        TypeHash(value.Type).CopyTo(buffer, 0);
        for (var i = 0; i < members.Length; i++)
            EncodeValue(members[i].Type, value.Fields[i].Value).CopyTo(buffer, 32 * (i + 1));
        return Keccak.Hash(buffer);
    }

    /// <summary>The digest a wallet signs: keccak256(0x19 0x01 ‖ domainSeparator ‖ hashStruct(message)).</summary>
    public static byte[] Digest(byte[] domainSeparator, byte[] messageHash)
    {
        var buffer = new byte[66];
        buffer[0] = 0x19;
        buffer[1] = 0x01;
        domainSeparator.CopyTo(buffer, 2);
        messageHash.CopyTo(buffer, 34);
        return Keccak.Hash(buffer);
    }

    /// <summary>Canonical JSON of a normalized value: schema field order, integers as decimal strings
    /// (JavaScript wallets lose precision on big numbers), checksummed addresses, bytes as 0x hex.</summary>
    public static JToken ToJson(object value) => value switch
    {
        TypedStruct s => new JObject(s.Fields.Select(f => new JProperty(f.Key, ToJson(f.Value)))),
        Address a => new JValue(a.Value),
        BigInteger b => new JValue(b.ToString()),
        bool b => new JValue(b),
        string s => new JValue(s),
        byte[] bytes => new JValue(Keccak.Hex(bytes)),
        object[] items => new JArray(items.Select(ToJson)),
        _ => throw new ArgumentException($"not a normalized value: {value.GetType().Name}")
    };

    private object ReadValue(string type, JToken token, string path)
    {
        if (type.EndsWith(']'))
        {
            if (token is not JArray array) throw Invalid(path, $"expected an array of {ElementType(type)}");
            var fixedLength = FixedArrayLength(type);
            if (fixedLength is { } n && array.Count != n) throw Invalid(path, $"expected exactly {n} items");
            return array.Select((item, i) => ReadValue(ElementType(type), item, $"{path}[{i}]")).ToArray();
        }
        if (Types.ContainsKey(type))
            return token is JObject nested ? Read(type, nested, path + ".") : throw Invalid(path, $"expected an object of type {type}");
        switch (type)
        {
            case "address":
                if (token.Type != JTokenType.String) throw Invalid(path, "expected an address string");
                return Address.TryParse((string?)token, out var address, out var error) ? address.Value : throw Invalid(path, error!);
            case "string":
                return token.Type == JTokenType.String ? (string)token! : throw Invalid(path, "expected a string");
            case "bool":
                return token.Type == JTokenType.Boolean ? (bool)token : throw Invalid(path, "expected true or false");
            case "bytes":
                return ReadHex(token, path, null);
        }
        if (type.StartsWith("bytes", StringComparison.Ordinal)) return ReadHex(token, path, int.Parse(type.AsSpan(5)));
        if (type.StartsWith("uint", StringComparison.Ordinal)) return ReadInteger(token, path, BitsOf(type, 4), signed: false);
        if (type.StartsWith("int", StringComparison.Ordinal)) return ReadInteger(token, path, BitsOf(type, 3), signed: true);
        throw Invalid(path, $"unsupported type {type}");
    }

    private static BigInteger ReadInteger(JToken token, string path, int bits, bool signed)
    {
        BigInteger value;
        switch (token.Type)
        {
            case JTokenType.Integer:
                value = token.ToObject<BigInteger>();
                break;
            case JTokenType.String:
                var text = ((string?)token)!.Trim();
                var hex = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase);
                var digits = hex ? text.AsSpan(2) : text.StartsWith('-') ? text.AsSpan(1) : text.AsSpan();
                var wellFormed = digits.Length is > 0 and <= 80
                    && !digits.ContainsAnyExcept(hex ? "0123456789abcdefABCDEF" : "0123456789");
                if (!wellFormed) throw Invalid(path, "expected an integer (a JSON integer, a decimal string or a 0x hex string)");
                value = hex
                    ? BigInteger.Parse("0" + text[2..], System.Globalization.NumberStyles.AllowHexSpecifier)
                    : BigInteger.Parse(text, System.Globalization.NumberStyles.AllowLeadingSign);
                break;
            default:
                throw Invalid(path, "expected an integer (a JSON integer, a decimal string or a 0x hex string)");
        }
        var max = signed ? (BigInteger.One << (bits - 1)) - 1 : (BigInteger.One << bits) - 1;
        var min = signed ? -(BigInteger.One << (bits - 1)) : BigInteger.Zero;
        if (value < min) throw Invalid(path, signed ? $"below the int{bits} range" : "must not be negative");
        if (value > max) throw new ProtocolException(ErrorCodes.AmountOverflow, $"{path}: does not fit in {(signed ? "int" : "uint")}{bits}");
        return value;
    }

    private static byte[] ReadHex(JToken token, string path, int? length)
    {
        var text = token.Type == JTokenType.String ? (string?)token : null;
        if (text is null || !text.StartsWith("0x", StringComparison.Ordinal) || text.Length % 2 != 0
            || text.AsSpan(2).ContainsAnyExcept("0123456789abcdefABCDEF"))
            throw Invalid(path, "expected 0x-prefixed hex bytes");
        var bytes = Convert.FromHexString(text.AsSpan(2));
        if (length is { } n && bytes.Length != n) throw Invalid(path, $"expected exactly {n} bytes");
        return bytes;
    }

    private byte[] EncodeValue(string type, object value)
    {
        if (type.EndsWith(']'))
        {
            var elementType = ElementType(type);
            var items = (object[])value;
            var buffer = new byte[32 * items.Length];
            for (var i = 0; i < items.Length; i++) EncodeValue(elementType, items[i]).CopyTo(buffer, 32 * i);
            return Keccak.Hash(buffer);
        }
        if (Types.ContainsKey(type)) return HashStruct((TypedStruct)value);
        switch (value)
        {
            case string s: return Keccak.Hash(Encoding.UTF8.GetBytes(s));
            case bool b: return Word(b ? BigInteger.One : BigInteger.Zero);
            case Address a:
                var word = new byte[32];
                a.ToBytes().CopyTo(word, 12);
                return word;
            case BigInteger n: return Word(n);
            case byte[] bytes when type == "bytes": return Keccak.Hash(bytes);
            case byte[] bytes:
                var fixedWord = new byte[32];
                bytes.CopyTo(fixedWord, 0);
                return fixedWord;
            default: throw new ArgumentException($"cannot encode {value.GetType().Name} as {type}");
        }
    }

    /// <summary>A 32-byte big-endian two's-complement word.</summary>
    private static byte[] Word(BigInteger n)
    {
        var word = new byte[32];
        if (n.Sign < 0) Array.Fill(word, (byte)0xff);
        var bytes = n.ToByteArray(isUnsigned: n.Sign >= 0, isBigEndian: true);
        bytes.CopyTo(word, 32 - bytes.Length);
        return word;
    }

    private void CollectDependencies(string type, SortedSet<string> found)
    {
        if (!Types.ContainsKey(type) || !found.Add(type)) return;
        foreach (var member in Types[type]) CollectDependencies(ElementType(member.Type), found);
    }

    private static string ElementType(string type)
    {
        while (type.EndsWith(']')) type = type[..type.LastIndexOf('[')];
        return type;
    }

    private static int? FixedArrayLength(string type)
    {
        var inner = type[(type.LastIndexOf('[') + 1)..^1];
        return inner.Length == 0 ? null : int.Parse(inner);
    }

    private static int BitsOf(string type, int prefixLength) =>
        type.Length == prefixLength ? 256 : int.Parse(type.AsSpan(prefixLength));

    private static bool IsKnownType(string type, IReadOnlyDictionary<string, ImmutableArray<TypedMember>> types)
    {
        if (types.ContainsKey(type) || type is "address" or "string" or "bool" or "bytes") return true;
        if (type.StartsWith("bytes", StringComparison.Ordinal)) return int.TryParse(type.AsSpan(5), out var n) && n is >= 1 and <= 32;
        var bits = type.StartsWith("uint", StringComparison.Ordinal) ? type[4..] : type.StartsWith("int", StringComparison.Ordinal) ? type[3..] : null;
        return bits is not null && (bits.Length == 0 || int.TryParse(bits, out var b) && b is >= 8 and <= 256 && b % 8 == 0);
    }

    private static ProtocolException Invalid(string path, string why) => new(ErrorCodes.InvalidField, $"{path}: {why}");
}
