using System.Globalization;
using Akka.Configuration;

namespace PoT.Registry;

/// <summary>Registry parameters (hocon/pot.conf, pot.registry), and the tag of the network the agents' rounds open on
/// (<see cref="PoT.Protocol.NetworkIdentity"/>; null while the node has no genesis: no round can open).</summary>
public sealed record RegistryOptions(
    UInt128 MinProviderStake,
    int MaxCapabilities,
    int MaxEndpointLength,
    int MaxConfigBytes,
    int ReceiptWindow,
    int SnapshotEvery,
    System.Collections.Immutable.ImmutableArray<string> ProofKinds,
    UInt128 MinPricePerCall,
    string? NetworkTag = null)
{
    public static RegistryOptions FromConfig(Config pot) => new(
        UInt128.Parse(pot.GetString("registry.min-provider-stake"), CultureInfo.InvariantCulture),
        pot.GetInt("registry.max-capabilities"),
        pot.GetInt("registry.max-endpoint-length"),
        pot.GetInt("registry.max-config-bytes"),
        pot.GetInt("registry.receipt-window"),
        pot.GetInt("registry.snapshot-every"),
        [.. pot.GetStringList("consensus.proof-kinds")],
        Amount(pot, "registry.min-price-per-call"));

    private static UInt128 Amount(Config pot, string key) =>
        UInt128.TryParse(pot.GetString(key, ""), NumberStyles.None, CultureInfo.InvariantCulture, out var amount)
            ? amount
            : throw new ConfigurationException($"pot.{key} must be an amount in base units (a decimal string), not '{pot.GetString(key, "")}'");
}
