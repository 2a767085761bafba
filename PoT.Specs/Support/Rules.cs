using PoT.Ledger;
using PoT.Registry;

namespace PoT.Specs.Support;

/// <summary>Rule parameters for pure specs (the same shape as hocon/pot.conf, with a short unbonding period).</summary>
public static class Rules
{
    public static readonly LedgerOptions Ledger = new(TimeSpan.FromDays(7), ReceiptWindow: 8, SnapshotEvery: 100);

    public static readonly RegistryOptions Registry = new(MinProviderStake: 1000, MaxCapabilities: 4, MaxEndpointLength: 200,
        MaxConfigBytes: 256, ReceiptWindow: 4, SnapshotEvery: 100);

    public static readonly DateTimeOffset Start = new(2026, 11, 26, 0, 0, 0, TimeSpan.Zero);

    public static InMemoryNetwork Network(params (PoT.Protocol.EthKey Key, ulong Amount)[] genesis)
    {
        var network = new InMemoryNetwork(Ledger, Registry, Start);
        network.Genesis(TestNode.Genesis(genesis));
        return network;
    }
}
