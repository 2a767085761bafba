using System.Collections.Frozen;
using System.Reflection;
using System.Text;
using Akka.Actor;
using Akka.Serialization;

namespace PoT.Persistence;

/// <summary>
/// Serializer for every <see cref="IPotMessage"/>: JSON (Newtonsoft, <see cref="PotJson"/>) under a stable string
/// manifest taken from the type's [Manifest] attribute. Bound in hocon/pot.conf.
/// </summary>
public sealed class PotSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    /// <summary>Our serializer id; never change it (it is stored in every journal row).</summary>
    public const int Id = 7357;

    private static readonly FrozenDictionary<Type, string> ManifestByType;
    private static readonly FrozenDictionary<string, Type> TypeByManifest;

    static PotSerializer()
    {
        var types = typeof(PotSerializer).Assembly.GetTypes()
            .Where(t => typeof(IPotMessage).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false })
            .ToList();
        var missing = types.Where(t => t.GetCustomAttribute<ManifestAttribute>() is null).Select(t => t.FullName).ToList();
        if (missing.Count > 0)
            throw new InvalidOperationException("IPotMessage types without [Manifest]: " + string.Join(", ", missing));
        ManifestByType = types.ToFrozenDictionary(t => t, t => t.GetCustomAttribute<ManifestAttribute>()!.Manifest);
        var duplicates = ManifestByType.GroupBy(kv => kv.Value).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        if (duplicates.Count > 0)
            throw new InvalidOperationException("manifests used twice: " + string.Join(", ", duplicates));
        TypeByManifest = ManifestByType.ToFrozenDictionary(kv => kv.Value, kv => kv.Key);
    }

    public override int Identifier => Id;

    public static IReadOnlyDictionary<Type, string> Manifests => ManifestByType;

    public override string Manifest(object o) => ManifestOf(o.GetType());

    public static string ManifestOf(Type type) =>
        ManifestByType.TryGetValue(type, out var manifest) ? manifest : throw new ArgumentException($"{type.FullName} has no PoT manifest");

    public override byte[] ToBinary(object obj) => ToBytes(obj);

    public override object FromBinary(byte[] bytes, string manifest) => FromBytes(bytes, manifest);

    public static byte[] ToBytes(object obj) => Encoding.UTF8.GetBytes(PotJson.Serialize(obj));

    public static object FromBytes(byte[] bytes, string manifest)
    {
        if (!TypeByManifest.TryGetValue(manifest, out var type))
            throw new System.Runtime.Serialization.SerializationException($"unknown PoT manifest '{manifest}'");
        return PotJson.Deserialize(bytes, type);
    }
}
