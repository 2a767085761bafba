using Akka;
using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Event;
using Akka.Persistence.Query;
using Akka.Streams;
using Akka.Streams.Dsl;

namespace PoT.Persistence;

/// <summary>
/// Delivers what outbox events oblige (credits, mints, agent steps) to their target entities, at least once, and
/// stores how far it got. It reads the journal by the "outbox" tag from its stored offset, so after a crash or
/// restart it resumes by itself: no entity needs to be woken, and nothing acknowledged is lost. Deliveries to one
/// target go in journal order (receivers de-duplicate with per-sender high-water marks); different targets run in
/// parallel. A delivery that times out is retried with back-off; the offset only advances past events whose every
/// delivery was acknowledged.
/// </summary>
public sealed class OutboxRelay : ReceiveActor
{
    private readonly IReadOnlyDictionary<EntityKind, IActorRef> _regions;
    private readonly IActorRef _offsetStore;
    private readonly OutboxOptions _options;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Dictionary<string, Task> _tails = new();
    private UniqueKillSwitch? _killSwitch;

    public OutboxRelay(IReadOnlyDictionary<EntityKind, IActorRef> regions, OutboxOptions options)
    {
        _regions = regions;
        _offsetStore = Context.ActorOf(Props.Create<RelayOffsetStore>(), "offset");
        _options = options;

        Receive<RelayOffset>(start => Run(start.Offset));
        Receive<Status.Failure>(failure => throw new InvalidOperationException("the outbox relay stopped", failure.Cause));
        Receive<Done>(_ => throw new InvalidOperationException("the outbox relay's journal stream ended"));
    }

    protected override void PreStart()
    {
        _offsetStore.Ask<RelayOffset>(GetRelayOffset.Instance, _options.AskTimeout).PipeTo(Self);
    }

    protected override void PostStop() => _killSwitch?.Shutdown();

    private void Run(long from)
    {
        _log.Info("outbox relay resuming after journal ordering {0}", from);
        var journal = PersistenceQuery.Get(Context.System).ReadJournalFor<IEventsByTagQuery>(_options.QueryPluginId);
        var (killSwitch, completion) = journal.EventsByTag(PotEventTagger.Outbox, Offset.Sequence(from))
            .ViaMaterialized(KillSwitches.Single<EventEnvelope>(), Keep.Right)
            .SelectAsync(_options.Parallelism, DeliverAll)
            .GroupedWithin(_options.CommitBatch, _options.CommitInterval)
            .SelectAsync(1, offsets => _offsetStore.Ask<RelayOffset>(new CommitRelayOffset(offsets.Last()), _options.AskTimeout))
            .ToMaterialized(Sink.Ignore<RelayOffset>(), Keep.Both)
            .Run(Context.Materializer());
        _killSwitch = killSwitch;
        completion.PipeTo(Self, success: () => Done.Instance);
    }

    /// <summary>Delivers every message an event obliges; completes with the event's offset once all are acknowledged.</summary>
    private async Task<long> DeliverAll(EventEnvelope envelope)
    {
        var offset = ((Sequence)envelope.Offset).Value;
        if (envelope.Event is not IOutboxEvent outboxEvent) return offset;
        var deliveries = outboxEvent.Deliveries(new OutboxSource(envelope.PersistenceId, offset))
            .Select(d => InOrderFor($"{d.Target}/{d.EntityId}", () => Deliver(d)))
            .ToList();
        PruneFinishedTails();
        await Task.WhenAll(deliveries).ConfigureAwait(false);
        return offset;
    }

    /// <summary>Runs <paramref name="work"/> after every earlier delivery to the same target.</summary>
    private Task InOrderFor(string target, Func<Task> work)
    {
        var previous = _tails.GetValueOrDefault(target, Task.CompletedTask);
        var next = previous.ContinueWith(_ => work(), TaskScheduler.Default).Unwrap();
        _tails[target] = next;
        return next;
    }

    private void PruneFinishedTails()
    {
        if (_tails.Count < 4 * _options.Parallelism) return;
        foreach (var finished in _tails.Where(t => t.Value.IsCompleted).Select(t => t.Key).ToList()) _tails.Remove(finished);
    }

    private async Task Deliver(OutboxDelivery delivery)
    {
        var reply = await AskUntilAnswered(delivery.Target, delivery.EntityId, delivery.Message).ConfigureAwait(false);
        if (delivery.ReplyTo is not { } replyTo) return;
        if (reply is IPotMessage answer)
            await AskUntilAnswered(replyTo.Kind, replyTo.EntityId, answer).ConfigureAwait(false);
        else
            _log.Error("outbox: {0} {1} answered {2} to {3}; nothing to bring back to {4} {5}",
                delivery.Target, delivery.EntityId, reply, delivery.Message.GetType().Name, replyTo.Kind, replyTo.EntityId);
    }

    /// <summary>Asks until some answer comes back. Only time-outs are retried (the receiver de-duplicates); an answer
    /// that is a refusal is logged, since retrying a refused delivery can only block every delivery behind it.</summary>
    private async Task<object> AskUntilAnswered(EntityKind kind, string entityId, IPotMessage message)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var reply = await _regions[kind].Ask<object>(new ShardingEnvelope(entityId, message), _options.AskTimeout).ConfigureAwait(false);
                if (reply is Protocol.CommandRejected rejected)
                    _log.Error("outbox: {0} {1} refused {2}: {3} {4}", kind, entityId, message.GetType().Name, rejected.Code, rejected.Message);
                return reply;
            }
            catch (AskTimeoutException)
            {
                var delay = TimeSpan.FromTicks(Math.Min(_options.MaxBackoff.Ticks, _options.MinBackoff.Ticks << Math.Min(attempt, 20)));
                _log.Warning("outbox: {0} {1} did not acknowledge {2} (attempt {3}); retrying in {4}", kind, entityId, message.GetType().Name, attempt, delay);
                await Task.Delay(delay).ConfigureAwait(false);
            }
        }
    }

    public static Props PropsFor(IReadOnlyDictionary<EntityKind, IActorRef> regions, OutboxOptions options) =>
        Props.Create(() => new OutboxRelay(regions, options));
}
