namespace PoT.Persistence;

/// <summary>
/// Marker for everything PoT persists or sends between nodes. Bound to <see cref="PotSerializer"/> in
/// hocon/pot.conf, so nothing of ours is ever written with .NET type names.
/// </summary>
public interface IPotMessage;

/// <summary>Gives a persisted or remoted type its stable manifest, e.g. "stake-locked.v1". Renaming the class never
/// breaks an old journal; changing its shape means a new version and an upcaster beside it.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class ManifestAttribute(string manifest) : Attribute
{
    public string Manifest { get; } = manifest;
}
