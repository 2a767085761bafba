using Akka.Hosting;
using PoT.Persistence;
using PoT.Reputation;

namespace PoT.Hosting;

public static class ReputationHosting
{
    /// <summary>The reputation projection (under its back-off supervisor), registered as <see cref="ReputationProjectionActor"/>.</summary>
    public static AkkaConfigurationBuilder AddReputation(this AkkaConfigurationBuilder builder, PotSettings settings) => builder
        .WithActors((system, registry) => registry.Register<ReputationProjectionActor>(system.ActorOf(
            ReputationProjection.PropsFor(new JournalPages(settings.Connect), new ReadModelStore(settings.Connect), settings.Reputation),
            "reputation-projection")));
}
