using System.Collections.Immutable;
using System.Numerics;
using System.Reflection;
using Newtonsoft.Json.Linq;

namespace PoT.Protocol;

/// <summary>
/// Maps each EIP-712 type of the schema to the C# record that carries it, and converts between the two. Built once:
/// a record whose constructor does not match its schema type member by member (name, order, type) is a start-up
/// error, so the schema in contracts/ stays the one source the C# types are checked against.
/// </summary>
public sealed class CommandCatalog
{
    private readonly Dictionary<string, (Type Record, ConstructorInfo Constructor)> _byType = new(StringComparer.Ordinal);
    private readonly Dictionary<Type, string> _byRecord = new();

    public TypedDataSchema Schema { get; }

    public CommandCatalog(TypedDataSchema schema, IEnumerable<Type> commandRecords)
    {
        Schema = schema;
        var problems = new List<string>();
        foreach (var record in commandRecords)
        {
            var name = record.GetCustomAttribute<Eip712TypeAttribute>()!.Name;
            if (!schema.HasType(name))
            {
                problems.Add($"{record.Name}: [Eip712Type(\"{name}\")] is not a type in the schema");
                continue;
            }
            var constructor = record.GetConstructors().OrderByDescending(c => c.GetParameters().Length).First();
            problems.AddRange(Mismatches(name, schema.Members(name), constructor.GetParameters()).Select(p => $"{record.Name}: {p}"));
            _byType[name] = (record, constructor);
            _byRecord[record] = name;
        }
        foreach (var type in schema.Types.Keys.Where(t => t != TypedDataSchema.DomainType && !_byType.ContainsKey(t)))
            problems.Add($"schema type {type} has no C# record");
        if (problems.Count > 0)
            throw new InvalidOperationException("contracts/pot.eip712.json and the C# commands disagree:\n  " + string.Join("\n  ", problems));
    }

    /// <summary>Every command record of the PoT.Actors assembly.</summary>
    public static CommandCatalog Pot { get; } = new(TypedDataSchema.Pot,
        typeof(CommandCatalog).Assembly.GetTypes().Where(t => t.GetCustomAttribute<Eip712TypeAttribute>() is not null));

    public IEnumerable<string> TypeNames => _byType.Keys;

    public bool Knows(string type) => _byType.ContainsKey(type);

    public string TypeNameOf(ISignedMessage command) => _byRecord[command.GetType()];

    /// <summary>Builds the command record from a normalized message.</summary>
    public ISignedMessage Decode(TypedStruct message)
    {
        var (_, constructor) = _byType[message.Type];
        var parameters = constructor.GetParameters();
        var arguments = new object?[parameters.Length];
        for (var i = 0; i < parameters.Length; i++)
            arguments[i] = Convert(message.Fields[i].Value, parameters[i].ParameterType, message.Fields[i].Key);
        return (ISignedMessage)constructor.Invoke(arguments);
    }

    /// <summary>The message JSON of a command record (for signing: `pot send`, simulations, specs).</summary>
    public JObject Encode(ISignedMessage command)
    {
        var type = TypeNameOf(command);
        var (_, constructor) = _byType[type];
        var members = Schema.Members(type);
        var parameters = constructor.GetParameters();
        var json = new JObject();
        for (var i = 0; i < members.Length; i++)
        {
            var value = command.GetType().GetProperty(Pascal(parameters[i].Name!))!.GetValue(command);
            json[members[i].Name] = value switch
            {
                Address a => a.Value,
                HexBytes h => h.Value,
                ImmutableArray<string> list => new JArray(list),
                string s => s,
                null => JValue.CreateNull(),
                _ => value.ToString()
            };
        }
        return json;
    }

    private static object Convert(object value, Type target, string field)
    {
        if (target == typeof(UInt128))
        {
            var n = (BigInteger)value;
            if (n > (BigInteger)UInt128.MaxValue)
                throw new ProtocolException(ErrorCodes.AmountOverflow, $"{field}: amounts are limited to 2^128-1 base units");
            return (UInt128)n;
        }
        if (target == typeof(ulong)) return (ulong)(BigInteger)value;
        if (target == typeof(uint)) return (uint)(BigInteger)value;
        if (target == typeof(ushort)) return (ushort)(BigInteger)value;
        if (target == typeof(byte)) return (byte)(BigInteger)value;
        if (target == typeof(HexBytes)) return HexBytes.From((byte[])value);
        if (target == typeof(ImmutableArray<string>)) return ((object[])value).Cast<string>().ToImmutableArray();
        return value;
    }

    private static IEnumerable<string> Mismatches(string type, ImmutableArray<TypedMember> members, ParameterInfo[] parameters)
    {
        if (members.Length != parameters.Length)
            yield return $"{type} has {members.Length} members, the constructor {parameters.Length} parameters";
        for (var i = 0; i < Math.Min(members.Length, parameters.Length); i++)
        {
            var (member, parameter) = (members[i], parameters[i]);
            if (!string.Equals(member.Name, parameter.Name, StringComparison.OrdinalIgnoreCase))
                yield return $"member {i} is '{member.Name}' in the schema, '{parameter.Name}' in C#";
            if (ClrTypeOf(member.Type) != parameter.ParameterType)
                yield return $"{member.Name} is {member.Type} in the schema, so C# needs {ClrTypeOf(member.Type)?.Name ?? "(unsupported)"}, not {parameter.ParameterType.Name}";
        }
    }

    /// <summary>The one C# type each schema type maps to.</summary>
    public static Type? ClrTypeOf(string schemaType) => schemaType switch
    {
        "address" => typeof(Address),
        "string" => typeof(string),
        "string[]" => typeof(ImmutableArray<string>),
        "bool" => typeof(bool),
        "uint256" => typeof(UInt128),
        "uint64" => typeof(ulong),
        "uint32" => typeof(uint),
        "uint16" => typeof(ushort),
        "uint8" => typeof(byte),
        "bytes32" or "bytes" => typeof(HexBytes),
        _ => null
    };

    private static string Pascal(string name) => char.ToUpperInvariant(name[0]) + name[1..];
}
