using System.Globalization;
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
        Converters = { new UInt128Converter(), new AddressConverter(), new HexBytesConverter(), new StringEnumConverter(new CamelCaseNamingStrategy()) }
    };

    public static readonly JsonSerializer Serializer = JsonSerializer.Create(Settings);

    public static string Serialize(object value) => JsonConvert.SerializeObject(value, Settings);

    public static T Deserialize<T>(string json) => JsonConvert.DeserializeObject<T>(json, Settings)!;

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
