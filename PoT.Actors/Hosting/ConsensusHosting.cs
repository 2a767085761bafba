using Akka.Cluster.Hosting;
using Akka.Hosting;
using PoT.Consensus;
using PoT.Protocol;

namespace PoT.Hosting;

public static class ConsensusHosting
{
    /// <summary>
    /// Consensus: the validator set and the emission schedule (one sharded entity each, the schedule ticked by the node's
    /// clock) and round-{roundId} entities. Rounds are remembered by
    /// sharding (event-sourced store, in the sharding tables) so that an open round restarts after a crash and
    /// finalizes at its deadline without anyone asking; a decided round passivates and is forgotten.
    /// </summary>
    public static AkkaConfigurationBuilder AddConsensus(this AkkaConfigurationBuilder builder, PotSettings settings, TimeProvider clock)
    {
        var verifier = new CommandVerifier(CommandCatalog.Pot, settings.Domain);
        return builder
            .WithShardRegion<ValidatorSetRegion>("validator-set",
                (_, _) => _ => ValidatorSetActor.PropsFor(settings.Consensus, clock),
                new PotMessageExtractor(settings.NumberOfShards),
                LedgerHosting.ShardOptions(settings))
            .WithShardRegion<RoundRegion>("round",
                (_, registry) => roundId => RoundActor.PropsFor(roundId, settings.Consensus, verifier, registry.Get<ValidatorSetRegion>(), clock),
                new PotMessageExtractor(settings.NumberOfShards),
                LedgerHosting.ShardOptions(settings, rememberEntities: true))
            .WithShardRegion<EmissionRegion>("emission",
                (_, _) => _ => EmissionActor.PropsFor(settings.Emission, clock),
                new PotMessageExtractor(settings.NumberOfShards),
                LedgerHosting.ShardOptions(settings))
            .WithActors((system, registry) =>
                system.ActorOf(EmissionTicker.PropsFor(registry.Get<EmissionRegion>(), settings.Emission.TickInterval), "emission-ticker"));
    }
}
