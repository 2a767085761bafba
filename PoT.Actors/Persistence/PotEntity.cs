using System.Collections.Immutable;
using Akka.Actor;
using Akka.Event;
using Akka.Persistence;
using PoT.Protocol;

namespace PoT.Persistence;

/// <summary>
/// The common floor of PoT's persistent entities: recovery from snapshot and events through a pure evolve
/// function, the per-entity hash chain, sealing and persisting decided events, event ids for replies, and a
/// snapshot every N events (keeping only the newest). Subclasses hold no state of their own outside
/// <see cref="State"/>, so what recovery rebuilds is all there is.
/// </summary>
public abstract class PotEntity<TState> : ReceivePersistentActor where TState : class
{
    private readonly int _snapshotEvery;
    private int _eventsSinceSnapshot;
    private PotEvent? _lastRecovered;

    protected TState State { get; private set; }

    /// <summary>Hash of the newest event: the Prev of the next one.</summary>
    protected string Head { get; private set; } = HashChain.Genesis;

    protected TimeProvider Clock { get; }


    public override string PersistenceId { get; }

    protected PotEntity(string persistenceId, TState initial, int snapshotEvery, TimeProvider clock)
    {
        PersistenceId = persistenceId;
        State = initial;
        Clock = clock;
        _snapshotEvery = Math.Max(1, snapshotEvery);

        Recover<SnapshotOffer>(offer =>
        {
            (State, Head) = FromSnapshot(offer.Snapshot);
        });
        Recover<PotEvent>(e =>
        {
            State = Evolve(State, e);
            _lastRecovered = e;
        });
        Recover<RecoveryCompleted>(_ =>
        {
            // Hashing only the last replayed event keeps recovery as fast as the journal can read.
            if (_lastRecovered is not null) Head = HashChain.HashOf(_lastRecovered);
            _lastRecovered = null;
            OnRecovered();
        });

        Command<SaveSnapshotSuccess>(success =>
            DeleteSnapshots(new SnapshotSelectionCriteria(success.Metadata.SequenceNr - 1)));
        Command<SaveSnapshotFailure>(failure =>
            Log.Warning(failure.Cause, "{0}: snapshot at {1} failed; recovery will replay more events", PersistenceId, failure.Metadata.SequenceNr));
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(failure => Log.Warning(failure.Cause, "{0}: deleting old snapshots failed", PersistenceId));
    }

    protected abstract TState Evolve(TState state, PotEvent e);

    protected abstract IPotMessage ToSnapshot(TState state, string head);

    protected abstract (TState State, string Head) FromSnapshot(object snapshot);

    protected virtual void OnRecovered()
    {
    }

    /// <summary>Seals and persists the events a rule decided; <paramref name="onPersisted"/> runs once, after the last
    /// one is durable and applied, with the ids of all of them.</summary>
    protected void PersistDecided(
        IReadOnlyList<PotEvent> decided, DateTimeOffset at, SignedEnvelope? envelope, Action<ImmutableArray<string>> onPersisted)
    {
        if (decided.Count == 0)
        {
            onPersisted([]);
            return;
        }
        var sealedEvents = HashChain.Seal(decided, Head, at, envelope);
        var ids = ImmutableArray.CreateBuilder<string>(sealedEvents.Count);
        var index = 0;
        PersistAll(sealedEvents.Select(s => s.Event), e =>
        {
            State = Evolve(State, e);
            Head = sealedEvents[index++].Hash;
            ids.Add(EntityIds.EventId(PersistenceId, LastSequenceNr));
            if (++_eventsSinceSnapshot >= _snapshotEvery)
            {
                _eventsSinceSnapshot = 0;
                SaveSnapshot(ToSnapshot(State, Head));
            }
            if (index == sealedEvents.Count) onPersisted(ids.MoveToImmutable());
        });
    }

    /// <summary>A relay delivery decided by the entity's rule: persists what it decided (nothing for a redelivery) and
    /// acknowledges it to the relay once durable.</summary>
    protected void AcknowledgeDelivery(Decision decision)
    {
        var relay = Sender;
        if (decision is Decision.Accept accept)
            PersistDecided(accept.Events, Clock.GetUtcNow(), null, _ => relay.Tell(DeliveryAck.Instance));
        else
            relay.Tell(DeliveryAck.Instance);
    }
}
