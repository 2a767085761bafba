using PoT.Protocol;

namespace PoT.Specs.Support;

/// <summary>Deterministic keys for specs (keccak256 of a name).</summary>
public static class Keys
{
    public static readonly EthKey Alice = EthKey.FromSeed("alice");
    public static readonly EthKey Bob = EthKey.FromSeed("bob");
    public static readonly EthKey Carol = EthKey.FromSeed("carol");
    public static readonly EthKey Mallory = EthKey.FromSeed("mallory");

    private static readonly Dictionary<int, Address> Numbered = new();

    /// <summary>The address of the i-th deterministic key (cached: deriving it is an elliptic-curve multiplication).</summary>
    public static Address Of(int i)
    {
        lock (Numbered)
        {
            if (!Numbered.TryGetValue(i, out var address)) Numbered[i] = address = EthKey.FromSeed($"key-{i}").Address;
            return address;
        }
    }
}
