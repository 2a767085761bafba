using PoT.Protocol;

namespace PoT.Specs.Support;

/// <summary>Deterministic keys for specs (keccak256 of a name).</summary>
public static class Keys
{
    public static readonly EthKey Alice = EthKey.FromSeed("alice");
    public static readonly EthKey Bob = EthKey.FromSeed("bob");
    public static readonly EthKey Carol = EthKey.FromSeed("carol");
    public static readonly EthKey Mallory = EthKey.FromSeed("mallory");
}
