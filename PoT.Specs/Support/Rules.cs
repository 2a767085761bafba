using PoT.Consensus;
using PoT.Ledger;
using PoT.Registry;

namespace PoT.Specs.Support;

/// <summary>Rule parameters for pure specs (the same shape as hocon/pot.conf, with a short unbonding period).</summary>
public static class Rules
{
    public static readonly LedgerOptions Ledger = new(TimeSpan.FromDays(7), ReceiptWindow: 8, SnapshotEvery: 100, RegistrationFee: 100, ProofBond: 500);

    public static readonly RegistryOptions Registry = new(MinProviderStake: 1000, MaxCapabilities: 4, MaxEndpointLength: 200,
        MaxConfigBytes: 256, ReceiptWindow: 4, SnapshotEvery: 100, ProofKinds: ["opaque"], MinPricePerCall: 10);

    /// <summary>Task, fee and SLA settings as hocon/pot.conf has them.</summary>
    public static readonly PoT.Orchestration.TaskOptions Tasks = PoT.Hosting.PotConfig.Load().Tasks;

    public static readonly ConsensusOptions Consensus = new(MinValidatorStake: 1_000, CommitteeSize: 5, MinCommitteeSize: 3,
        CommitWindow: TimeSpan.FromMinutes(10), RevealWindow: TimeSpan.FromMinutes(10),
        new RoundParameters(ThresholdBps: 5000, FraudSlashBps: 5000, FraudBurnBps: 5000, EquivocationSlashBps: 5000, EquivocationBountyBps: 1000),
        MaxMisses: 3, ProofKinds: ["opaque"], SnapshotEvery: 50, FinalizedIdleTimeout: TimeSpan.FromSeconds(30), EvidenceWindow: TimeSpan.FromDays(1));

    /// <summary>Ten-minute epochs, so that rounds in specs span epochs and emission is exercised with them.</summary>
    public static readonly EmissionSchedule Emission = new(TimeSpan.FromMinutes(10), FirstEpoch: 10_000, DecayBps: 100, SupplyCap: 1_000_000,
        ValidatorsBps: 3000, UsageCapBps: 5000);

    public static readonly DateTimeOffset Start = new(2026, 11, 26, 0, 0, 0, TimeSpan.Zero);

    public static InMemoryNetwork Network(params (PoT.Protocol.EthKey Key, ulong Amount)[] genesis)
    {
        var network = new InMemoryNetwork(Ledger, Registry, Consensus, Start, Emission);
        network.MintGenesis(TestNode.Genesis(genesis));
        return network;
    }
}
