using System.Collections.Immutable;
using Akka.Persistence.Journal;

namespace PoT.Persistence;

/// <summary>
/// Tags events for projections and the outbox relay, from the marker interfaces each event declares. Stored as Csv
/// tags (hocon/persistence.*.conf): the default tag table reads quadratically (FACTS.md).
/// </summary>
public sealed class PotEventTagger : IWriteEventAdapter
{
    public const string Ledger = "ledger";
    public const string Registry = "registry";
    public const string Consensus = "consensus";
    public const string Tasks = "tasks";
    public const string Outbox = "outbox";

    public string Manifest(object evt) => string.Empty;

    public object ToJournal(object evt)
    {
        var tags = TagsOf(evt);
        return tags.IsEmpty ? evt : new Tagged(evt, tags);
    }

    public static ImmutableHashSet<string> TagsOf(object evt)
    {
        var tags = ImmutableHashSet.CreateBuilder<string>();
        if (evt is ILedgerEvent) tags.Add(Ledger);
        if (evt is IRegistryEvent) tags.Add(Registry);
        if (evt is IConsensusEvent) tags.Add(Consensus);
        if (evt is ITaskEvent) tags.Add(Tasks);
        if (evt is IOutboxEvent) tags.Add(Outbox);
        return tags.ToImmutable();
    }
}
