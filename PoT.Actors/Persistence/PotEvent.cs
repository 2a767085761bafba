using PoT.Protocol;

namespace PoT.Persistence;

/// <summary>
/// What the entity that wrote an event knew when it wrote it: the hash of its previous event (a per-entity hash
/// chain, so a changed, dropped or reordered row is detected), the time, and, for events caused by a signed
/// command, the client's envelope.
/// </summary>
public sealed record EventMeta(string Prev, DateTimeOffset At, SignedEnvelope? Envelope = null)
{
    public static readonly EventMeta Unsealed = new("", DateTimeOffset.UnixEpoch);
}

/// <summary>
/// Base of every PoT event. Events are immutable past-tense records; <see cref="Meta"/> is set by the entity when
/// it seals the events its rules decided (the rules themselves stay pure and know nothing of hashes).
/// </summary>
public abstract record PotEvent : IPotMessage
{
    public EventMeta Meta { get; init; } = EventMeta.Unsealed;
}

/// <summary>Marker interfaces that choose an event's tags (see <see cref="PotEventTagger"/>).</summary>
public interface ILedgerEvent;

public interface IRegistryEvent;

public interface IConsensusEvent;

/// <summary>Events of tasks, and of agents' calls and SLA windows (tag: tasks).</summary>
public interface ITaskEvent;

/// <summary>An event that changes the token supply: it mints (emission) or burns (fees, forfeited bonds, slashes). The
/// auditor's conservation check and the reputation's network totals read every supply change through this one
/// interface, so a new kind of burn cannot be counted by one and missed by the other.</summary>
public interface ISupplyChange
{
    UInt128 Minted { get; }

    UInt128 Burned { get; }
}

/// <summary>An event that obliges the node to deliver messages to other entities (see Persistence/Outbox).</summary>
public interface IOutboxEvent
{
    IEnumerable<OutboxDelivery> Deliveries(OutboxSource source);
}
