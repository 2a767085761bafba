namespace PoT.Persistence;

/// <summary>
/// A message an event obliges the node to deliver to another entity. The outbox relay delivers it at least once,
/// in journal order per target, and, when <paramref name="ReplyTo"/> is set, brings the target's reply back to
/// that entity. Receivers de-duplicate, so the effect happens once.
/// </summary>
public sealed record OutboxDelivery(EntityKind Target, string EntityId, IPotMessage Message, (EntityKind Kind, string EntityId)? ReplyTo = null);

/// <summary>A receiver's acknowledgement that a delivery took effect (or already had).</summary>
[Manifest("delivery-ack.v1")]
public sealed record DeliveryAck : IPotMessage
{
    public static readonly DeliveryAck Instance = new();
}
