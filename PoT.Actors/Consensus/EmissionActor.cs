using Akka.Actor;
using Akka.Cluster.Sharding;
using PoT.Persistence;

namespace PoT.Consensus;

/// <summary>The "schedule" entity: records what rounds and paid calls measured (brought by the relay) and closes each
/// epoch when the node's clock says it has ended. Every decision is <see cref="EmissionRules"/>'.</summary>
public sealed class EmissionActor : PotEntity<EmissionState>
{
    private readonly EmissionOptions _options;

    public EmissionActor(EmissionOptions options, TimeProvider clock)
        : base(EntityIds.PersistenceId(EntityKind.Emission, EmissionIds.EntityId), EmissionState.Empty, options.SnapshotEvery, clock)
    {
        _options = options;
        Command<RecordJudgement>(delivery => AcknowledgeDelivery(EmissionRules.Decide(State, delivery)));
        Command<RecordUsage>(delivery => AcknowledgeDelivery(EmissionRules.Decide(State, delivery)));
        Command<CloseEpoch>(_ =>
        {
            var now = Clock.GetUtcNow();
            if (EmissionRules.Close(State, now, _options.Schedule) is Decision.Accept accept) PersistDecided(accept.Events, now, null, _ => { });
        });
        Command<GetEmission>(_ => Sender.Tell(EmissionView.Of(State)));
    }

    protected override EmissionState Evolve(EmissionState state, PotEvent e) => state.Apply(e);

    protected override IPotMessage ToSnapshot(EmissionState state, string head) => new EmissionSnapshot(state, head);

    protected override (EmissionState State, string Head) FromSnapshot(object snapshot) =>
        snapshot is EmissionSnapshot s ? (s.State, s.Head) : throw new ArgumentException("not an emission snapshot");

    public static Props PropsFor(EmissionOptions options, TimeProvider clock) => Props.Create(() => new EmissionActor(options, clock));
}

/// <summary>
/// Ticks the schedule (pot.emission.tick-interval): epochs end by time, not by anyone's action, and the entity may be
/// passivated between ticks, so its deadline is the node's to watch. Every node of a cluster may tick: a tick before
/// the end of the epoch changes nothing, so the schedule closes each epoch once.
/// </summary>
public sealed class EmissionTicker : ReceiveActor, IWithTimers
{
    private sealed class Tick
    {
        public static readonly Tick Instance = new();
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public EmissionTicker(IActorRef schedule, TimeSpan interval)
    {
        Receive<Tick>(_ => schedule.Tell(new ShardingEnvelope(EmissionIds.EntityId, CloseEpoch.Instance)));
        Timers.StartPeriodicTimer("tick", Tick.Instance, TimeSpan.Zero, interval);
    }

    public static Props PropsFor(IActorRef schedule, TimeSpan interval) => Props.Create(() => new EmissionTicker(schedule, interval));
}
