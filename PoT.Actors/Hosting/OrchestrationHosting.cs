using Akka.Cluster.Hosting;
using Akka.Hosting;
using PoT.Adapters;
using PoT.Orchestration;

namespace PoT.Hosting;

/// <summary>What one node's tasks share: the router's agent index and the agent adapters (per-agent rate limits and
/// circuit breakers live in them).</summary>
public sealed class OrchestrationServices(AgentIndex index, IAgentAdapter adapter) : IDisposable
{
    public AgentIndex Index { get; } = index;

    public IAgentAdapter Adapter { get; } = adapter;

    /// <summary>The adapters time real network calls on the real clock, whatever clock the node's rules run on.</summary>
    public static OrchestrationServices Create(PotSettings settings) =>
        new(new AgentIndex(settings.Tasks.Planning.Routing), new HttpAgentAdapter(settings.HttpAdapter, TimeProvider.System));

    public void Dispose() => (Adapter as IDisposable)?.Dispose();
}

public static class OrchestrationHosting
{
    /// <summary>
    /// Orchestration: task-{taskId} entities under sharding, remembered, and woken at start by the task reviver (a
    /// running task restarts by itself after a crash, its executor with it), and the feeder that keeps the router's
    /// index current from the registry and the reputation projection.
    /// </summary>
    public static AkkaConfigurationBuilder AddOrchestration(this AkkaConfigurationBuilder builder, PotSettings settings, TimeProvider clock,
        OrchestrationServices services) => builder
        .WithShardRegion<TaskRegion>("task",
            (_, _) => taskId => TaskActor.PropsFor(taskId, settings.Tasks, _ => TaskExecutor.PropsFor(services.Index, services.Adapter, settings.Tasks), clock),
            new PotMessageExtractor(settings.NumberOfShards),
            LedgerHosting.ShardOptions(settings, rememberEntities: true))
        .WithActors((system, registry) =>
        {
            registry.Register<AgentIndexActor>(system.ActorOf(
                AgentIndexFeeder.PropsFor(services.Index, settings.Outbox.QueryPluginId, registry.Get<ReputationProjectionActor>(), TimeSpan.FromSeconds(1)),
                "agent-index"));
            system.ActorOf(TaskReviver.PropsFor(settings.Outbox.QueryPluginId, registry.Get<TaskRegion>()), "task-reviver");
        });
}
