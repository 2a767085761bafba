using System.Security.Cryptography;

namespace PoT.Persistence;

/// <summary>
/// The per-entity hash chain: each event carries the SHA-256 of its predecessor's serialized bytes. The entity
/// seals new events with it; the auditor recomputes it from the journal's stored bytes.
/// </summary>
public static class HashChain
{
    public static readonly string Genesis = new('0', 64);

    public static string HashOf(ReadOnlySpan<byte> serializedEvent) => Convert.ToHexStringLower(SHA256.HashData(serializedEvent));

    public static string HashOf(PotEvent e) => HashOf(PotSerializer.ToBytes(e));

    /// <summary>Seals events decided by a pure rule: each gets the time, the envelope and the hash of the one before.
    /// Returns the sealed events with each one's own hash (the next link).</summary>
    public static IReadOnlyList<(PotEvent Event, string Hash)> Seal(
        IEnumerable<PotEvent> events, string head, DateTimeOffset at, Protocol.SignedEnvelope? envelope)
    {
        var sealedEvents = new List<(PotEvent, string)>();
        foreach (var e in events)
        {
            var sealedEvent = e with { Meta = new EventMeta(head, at, envelope) };
            head = HashOf(sealedEvent);
            sealedEvents.Add((sealedEvent, head));
        }
        return sealedEvents;
    }
}
