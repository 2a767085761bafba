namespace PoT.Persistence;

/// <summary>
/// A message an event obliges the node to deliver to another entity. The outbox relay delivers it at least once,
/// in journal order per target, and, when <paramref name="ReplyTo"/> is set, brings the target's reply back to
/// that entity. Receivers de-duplicate, so the effect happens once.
/// </summary>
public sealed record OutboxDelivery(EntityKind Target, string EntityId, IPotMessage Message, (EntityKind Kind, string EntityId)? ReplyTo = null);

/// <summary>Where an outbox event sits in the journal: its entity and its global ordering.</summary>
public sealed record OutboxSource(string PersistenceId, long Ordering)
{
    /// <summary>The stamp of this event's <paramref name="index"/>-th delivery.</summary>
    public RelayStamp Stamp(int index) => new(Ordering, index);
}

/// <summary>
/// Identifies one delivery: the journal ordering of the event that owes it and its position among that event's
/// deliveries. The relay delivers to each target in increasing stamp order, so a receiver that keeps the highest
/// stamp it applied recognizes every redelivery with one number pair, whoever sent it.
/// </summary>
public readonly record struct RelayStamp(long Ordering, int Index) : IComparable<RelayStamp>
{
    public static readonly RelayStamp None = new(0, -1);

    public int CompareTo(RelayStamp other) => Ordering != other.Ordering ? Ordering.CompareTo(other.Ordering) : Index.CompareTo(other.Index);

    public static bool operator <=(RelayStamp a, RelayStamp b) => a.CompareTo(b) <= 0;

    public static bool operator >=(RelayStamp a, RelayStamp b) => a.CompareTo(b) >= 0;

    public static bool operator <(RelayStamp a, RelayStamp b) => a.CompareTo(b) < 0;

    public static bool operator >(RelayStamp a, RelayStamp b) => a.CompareTo(b) > 0;
}

/// <summary>A receiver's acknowledgement that a delivery took effect (or already had).</summary>
[Manifest("delivery-ack.v1")]
public sealed record DeliveryAck : IPotMessage
{
    public static readonly DeliveryAck Instance = new();
}
