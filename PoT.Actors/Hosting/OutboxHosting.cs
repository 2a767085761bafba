using Akka.Actor;
using Akka.Cluster.Hosting;
using Akka.Hosting;
using Akka.Pattern;
using PoT.Persistence;

namespace PoT.Hosting;

public static class OutboxHosting
{
    /// <summary>The outbox relay: one per cluster (a singleton), restarted with back-off if its stream fails.</summary>
    public static AkkaConfigurationBuilder AddOutboxRelay(this AkkaConfigurationBuilder builder, PotSettings settings) => !settings.Outbox.Enabled
        ? builder
        : builder.WithSingleton<OutboxRelaySingleton>("outbox-relay",
            (_, registry, _) =>
            {
                var regions = new Dictionary<EntityKind, IActorRef>
                {
                    [EntityKind.Account] = registry.Get<AccountRegion>(),
                    [EntityKind.Agent] = registry.Get<AgentRegion>(),
                    [EntityKind.Round] = registry.Get<RoundRegion>(),
                    [EntityKind.ValidatorSet] = registry.Get<ValidatorSetRegion>(),
                    [EntityKind.Task] = registry.Get<TaskRegion>(),
                    [EntityKind.Emission] = registry.Get<EmissionRegion>()
                };
                return BackoffSupervisor.Props(Backoff.OnFailure(
                    OutboxRelay.PropsFor(regions, settings.Outbox),
                    "relay", settings.Outbox.MinBackoff, settings.Outbox.MaxBackoff, 0.2, -1));
            },
            new ClusterSingletonOptions(), createProxyToo: false);
}
