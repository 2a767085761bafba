using Akka.Cluster.Hosting;
using Akka.Cluster.Sharding;
using Akka.Hosting;
using PoT.Ledger;
using PoT.Protocol;

namespace PoT.Hosting;

public static class LedgerHosting
{
    /// <summary>The ledger: account-{address} entities under sharding, and the genesis singleton.</summary>
    public static AkkaConfigurationBuilder AddLedger(this AkkaConfigurationBuilder builder, PotSettings settings, TimeProvider clock) => builder
        .WithShardRegion<AccountRegion>("account",
            (_, _) => entityId => AccountActor.PropsFor(Address.Parse(entityId), settings.Ledger, clock),
            new PotMessageExtractor(settings.NumberOfShards),
            ShardOptions(settings))
        .WithSingleton<GenesisSingleton>("genesis", GenesisActor.PropsFor(clock), new ClusterSingletonOptions(), createProxyToo: true);

    public static ShardOptions ShardOptions(PotSettings settings, bool rememberEntities = false) => new()
    {
        StateStoreMode = StateStoreMode.DData,
        RememberEntities = rememberEntities,
        // ddata remember-entities fails at run time with the only LightningDB served here (FACTS.md)
        RememberEntitiesStore = RememberEntitiesStore.Eventsourced,
        JournalPluginId = "akka.persistence.journal.sharding",
        SnapshotPluginId = "akka.persistence.snapshot-store.sharding"
    };
}
