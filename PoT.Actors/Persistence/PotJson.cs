using System.Globalization;
using Newtonsoft.Json;
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
        Converters = { new UInt128Converter(), new AddressConverter() }
    };

    public static readonly JsonSerializer Serializer = JsonSerializer.Create(Settings);

    public static string Serialize(object value) => JsonConvert.SerializeObject(value, Settings);

    public static T Deserialize<T>(string json) => JsonConvert.DeserializeObject<T>(json, Settings)!;

    private sealed class UInt128Converter : JsonConverter<UInt128>
    {
        public override void WriteJson(JsonWriter writer, UInt128 value, JsonSerializer serializer) =>
            writer.WriteValue(value.ToString(CultureInfo.InvariantCulture));

        public override UInt128 ReadJson(JsonReader reader, Type objectType, UInt128 existingValue, bool hasExistingValue, JsonSerializer serializer) =>
            reader.Value switch
            {
                string s => UInt128.Parse(s, CultureInfo.InvariantCulture),
                long l when l >= 0 => (UInt128)l,
                System.Numerics.BigInteger b => (UInt128)b,
                _ => throw new JsonSerializationException($"expected an amount as a decimal string, got {reader.TokenType}")
            };
    }

    private sealed class AddressConverter : JsonConverter<Address>
    {
        public override void WriteJson(JsonWriter writer, Address value, JsonSerializer serializer) => writer.WriteValue(value.Value);

        public override Address ReadJson(JsonReader reader, Type objectType, Address existingValue, bool hasExistingValue, JsonSerializer serializer) =>
            reader.Value is string s ? Address.Parse(s) : throw new JsonSerializationException("expected an address string");
    }
}
