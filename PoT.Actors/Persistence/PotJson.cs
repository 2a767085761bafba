using System.Globalization;
using System.Text;
using Newtonsoft.Json;
using Newtonsoft.Json.Converters;
using Newtonsoft.Json.Serialization;
using PoT.Protocol;

namespace PoT.Persistence;

/// <summary>
/// The one JSON configuration for everything PoT persists or serves: camelCase, no type names, amounts and
/// addresses as strings, UTC ISO-8601 times, and no date sniffing inside strings (it would change bytes on
/// a round trip and break the hash chain). Deterministic: the same value always gives the same bytes.
/// </summary>
public static class PotJson
{
    public static readonly JsonSerializerSettings Settings = new()
    {
        // camelCase property names, but dictionary keys (addresses, agent ids) exactly as they are
        ContractResolver = new DefaultContractResolver { NamingStrategy = new CamelCaseNamingStrategy(processDictionaryKeys: false, overrideSpecifiedNames: true) },
        TypeNameHandling = TypeNameHandling.None,
        NullValueHandling = NullValueHandling.Ignore,
        DateParseHandling = DateParseHandling.None,
        DateFormatHandling = DateFormatHandling.IsoDateFormat,
        DateTimeZoneHandling = DateTimeZoneHandling.Utc,
        FloatParseHandling = FloatParseHandling.Decimal,
        Formatting = Formatting.None,
        MissingMemberHandling = MissingMemberHandling.Error,
        CheckAdditionalContent = true,
        Converters = { new UInt128Converter(), new AddressConverter(), new HexBytesConverter(), new StringEnumConverter(new CamelCaseNamingStrategy()) }
    };

    /// <summary>One shared serializer (thread-safe once configured, as Akka.NET's own JSON serializer uses it):
    /// JsonConvert builds a new one from the settings on every call, which cost a replay more than the parsing.</summary>
    public static readonly JsonSerializer Serializer = JsonSerializer.Create(Settings);

    /// <summary>The same text JsonConvert.SerializeObject(value, Settings) writes.</summary>
    public static string Serialize(object value)
    {
        var text = new StringWriter(new StringBuilder(256), CultureInfo.InvariantCulture);
        using (var writer = new JsonTextWriter(text) { Formatting = Formatting.None }) Serializer.Serialize(writer, value);
        return text.ToString();
    }

    public static T Deserialize<T>(string json) => (T)Deserialize(new StringReader(json), typeof(T));

    public static object Deserialize(byte[] utf8, Type type) => Deserialize(new StringReader(Encoding.UTF8.GetString(utf8)), type);

    private static object Deserialize(TextReader text, Type type)
    {
        using var reader = new JsonTextReader(text) { ArrayPool = SharedChars.Instance };
        return Serializer.Deserialize(reader, type) ?? throw new JsonSerializationException($"null where a {type.Name} was expected");
    }

    /// <summary>Lets the reader rent its buffers: a replay decodes millions of rows.</summary>
    private sealed class SharedChars : IArrayPool<char>
    {
        public static readonly SharedChars Instance = new();

        public char[] Rent(int minimumLength) => System.Buffers.ArrayPool<char>.Shared.Rent(minimumLength);

        public void Return(char[]? array)
        {
            if (array is not null) System.Buffers.ArrayPool<char>.Shared.Return(array);
        }
    }

    /// <summary>Amounts as decimal strings (JavaScript loses precision above 2^53), for UInt128 and UInt128?.</summary>
    private sealed class UInt128Converter : JsonConverter
    {
        public override bool CanConvert(Type objectType) => objectType == typeof(UInt128) || objectType == typeof(UInt128?);

        public override void WriteJson(JsonWriter writer, object? value, JsonSerializer serializer)
        {
            if (value is UInt128 amount) writer.WriteValue(amount.ToString(CultureInfo.InvariantCulture));
            else writer.WriteNull();
        }

        public override object? ReadJson(JsonReader reader, Type objectType, object? existingValue, JsonSerializer serializer) =>
            reader.Value switch
            {
                null when objectType == typeof(UInt128?) => null,
                string s => UInt128.Parse(s, NumberStyles.None, CultureInfo.InvariantCulture),
                long l when l >= 0 => (UInt128)l,
                System.Numerics.BigInteger b when b.Sign >= 0 => (UInt128)b,
                _ => throw new JsonSerializationException($"expected an amount as a decimal string, got {reader.TokenType}")
            };
    }

    /// <summary>Addresses as their checksummed string, for Address and Address?.</summary>
    private sealed class AddressConverter : JsonConverter
    {
        public override bool CanConvert(Type objectType) => objectType == typeof(Address) || objectType == typeof(Address?);

        public override void WriteJson(JsonWriter writer, object? value, JsonSerializer serializer)
        {
            if (value is Address address) writer.WriteValue(address.Value);
            else writer.WriteNull();
        }

        public override object? ReadJson(JsonReader reader, Type objectType, object? existingValue, JsonSerializer serializer) =>
            reader.Value switch
            {
                null when objectType == typeof(Address?) => null,
                string s => Address.Parse(s),
                _ => throw new JsonSerializationException("expected an address string")
            };
    }

    /// <summary>Bytes as their 0x hex string, for HexBytes and HexBytes?.</summary>
    private sealed class HexBytesConverter : JsonConverter
    {
        public override bool CanConvert(Type objectType) => objectType == typeof(HexBytes) || objectType == typeof(HexBytes?);

        public override void WriteJson(JsonWriter writer, object? value, JsonSerializer serializer)
        {
            if (value is HexBytes bytes) writer.WriteValue(bytes.ToString());
            else writer.WriteNull();
        }

        public override object? ReadJson(JsonReader reader, Type objectType, object? existingValue, JsonSerializer serializer) =>
            reader.Value switch
            {
                null when objectType == typeof(HexBytes?) => null,
                string s => HexBytes.Parse(s),
                _ => throw new JsonSerializationException("expected 0x hex bytes")
            };
    }
}
