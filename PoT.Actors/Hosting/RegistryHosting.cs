using Akka.Cluster.Hosting;
using Akka.Hosting;
using PoT.Registry;

namespace PoT.Hosting;

public static class RegistryHosting
{
    /// <summary>The registry: agent-{agentId} entities under sharding (they talk to the account region), and the
    /// agent directory read model.</summary>
    public static AkkaConfigurationBuilder AddRegistry(this AkkaConfigurationBuilder builder, PotSettings settings, TimeProvider clock)
    {
        var proofs = new PoT.Proofs.ProofChecker(new PoT.Proofs.ProofStore(settings.Proofs.Directory), settings.Proofs);
        return builder.WithShardRegion<AgentRegion>("agent",
            (_, registry) => entityId => AgentActor.PropsFor(entityId, settings.Registry,
                new AgentDependencies(registry.Get<AccountRegion>(), registry.Get<ValidatorSetRegion>(), settings.AccountCheckTimeout,
                    settings.Consensus.MinCommitteeSize, proofs.Admit, settings.Network), settings.Tasks, clock),
            new PotMessageExtractor(settings.NumberOfShards),
            LedgerHosting.ShardOptions(settings))
        .WithActors((system, registry) =>
            registry.Register<AgentDirectoryActor>(system.ActorOf(AgentDirectory.PropsFor(settings.Outbox.QueryPluginId), "agent-directory")));
    }
}
