using Akka.Cluster;
using Akka.Hosting;
using Akka.Persistence.Sql.Config;
using PoT.Persistence;

namespace PoT.Hosting;

public static class NodeHosting
{
    /// <summary>
    /// Everything a PoT node runs, composed from one extension per context: configuration and persistence,
    /// a cluster (one node by default: it joins itself), the ledger, consensus, the registry, the outbox relay, and
    /// proof verification with the validator duties of <paramref name="validatorKeys"/>, the reputation projection, and
    /// task orchestration (with <paramref name="orchestration"/>'s router index and adapters, or its own).
    /// </summary>
    public static AkkaConfigurationBuilder AddPotNode(this AkkaConfigurationBuilder builder, PotSettings settings, TimeProvider clock,
        IReadOnlyList<PoT.Protocol.EthKey>? validatorKeys = null, OrchestrationServices? orchestration = null)
    {
        if (settings.SqliteFile is { } file)
        {
            SqliteSetup.EnableWal(file);
            builder.AddSetup(SqliteSetup.ConnectionSettings(settings.ConnectionString, settings.SqliteBusyTimeout, settings.SqliteSynchronous));
        }
        return builder
            .AddHocon(settings.Config, HoconAddMode.Prepend)
            .ConfigureLoggers(loggers => loggers.ClearLoggers().AddLoggerFactory())
            .AddStartup((system, _) =>
            {
                var cluster = Cluster.Get(system);
                if (system.Settings.Config.GetStringList("akka.cluster.seed-nodes").Count == 0) cluster.Join(cluster.SelfAddress);
            })
            .AddLedger(settings, clock)
            .AddConsensus(settings, clock)
            .AddRegistry(settings, clock)
            .AddReputation(settings)
            .AddOrchestration(settings, clock, orchestration ?? OrchestrationServices.Create(settings))
            .AddOutboxRelay(settings)
            .AddProofs(settings, clock, validatorKeys ?? []);
    }
}
