using System.Globalization;
using Akka.Configuration;

namespace PoT.Registry;

/// <summary>Registry parameters (hocon/pot.conf, pot.registry).</summary>
public sealed record RegistryOptions(
    UInt128 MinProviderStake,
    int MaxCapabilities,
    int MaxEndpointLength,
    int MaxConfigBytes,
    int ReceiptWindow,
    int SnapshotEvery,
    System.Collections.Immutable.ImmutableArray<string> ProofKinds)
{
    public static RegistryOptions FromConfig(Config pot) => new(
        UInt128.Parse(pot.GetString("registry.min-provider-stake"), CultureInfo.InvariantCulture),
        pot.GetInt("registry.max-capabilities"),
        pot.GetInt("registry.max-endpoint-length"),
        pot.GetInt("registry.max-config-bytes"),
        pot.GetInt("registry.receipt-window"),
        pot.GetInt("registry.snapshot-every"),
        [.. pot.GetStringList("consensus.proof-kinds")]);
}
