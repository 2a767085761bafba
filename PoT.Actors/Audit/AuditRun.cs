using System.Diagnostics;
using PoT.Persistence;
using PoT.Reputation;

namespace PoT.Audit;

/// <summary>What an audit saw and concluded.</summary>
public sealed record AuditReport(
    long Rows,
    long Envelopes,
    long FindingCount,
    IReadOnlyList<AuditFinding> Findings,
    int PendingDeliveries,
    long RelayOffset,
    string Supply,
    ReputationState Reputation,
    string? StoredDigest,
    long? StoredOffset,
    string? RebuiltDigestAtStoredOffset,
    TimeSpan Elapsed,
    TimeSpan Preparing,
    TimeSpan Checking)
{
    public bool Clean => FindingCount == 0;
}

/// <summary>
/// Runs a <see cref="JournalAuditor"/> over a database: reads the journal in pages (the next page is read while this
/// one is checked), decodes, hashes and verifies signatures on every core, checks rows in order on one thread, then
/// compares the rebuilt reputation with the read models the node stored, at the offset the node stored them.
/// </summary>
public static class AuditRun
{
    public static async Task<AuditReport> Run(JournalPages journal, ReadModelStore? stored, long relayOffset, AuditSettings settings,
        Action<long, long>? progress = null, int pageSize = 5000, CancellationToken cancellationToken = default)
    {
        var stopwatch = Stopwatch.StartNew();
        var auditor = new JournalAuditor(settings);
        var storedState = stored?.TryRead();
        string? rebuiltAtStored = storedState is { Offset: 0 } ? ReputationState.Empty.Digest() : null;
        var total = await journal.MaxOrdering(cancellationToken);
        var preparing = TimeSpan.Zero;
        var checking = TimeSpan.Zero;
        // Page N + 1 is read, decoded and its signatures verified (on every core) while page N is checked in order.
        var next = Prepare(journal.After(0, pageSize, cancellationToken));
        while (true)
        {
            var (page, prepared, took) = await next;
            preparing += took;
            if (page.Count == 0) break;
            next = Prepare(journal.After(page[^1].Ordering, pageSize, cancellationToken));
            var started = Stopwatch.GetTimestamp();
            foreach (var row in prepared)
            {
                if (storedState is not null && rebuiltAtStored is null && row.Row.Ordering > storedState.Offset)
                    rebuiltAtStored = auditor.Reputation.Digest();
                auditor.Check(row);
            }
            checking += Stopwatch.GetElapsedTime(started);
            progress?.Invoke(page[^1].Ordering, total);
        }

        async Task<(IReadOnlyList<JournalRow>, List<PreparedRow>, TimeSpan)> Prepare(Task<IReadOnlyList<JournalRow>> reading)
        {
            var rows = await reading;
            var started = Stopwatch.GetTimestamp();
            var prepared = await Task.Run(() => rows.AsParallel().AsOrdered().Select(auditor.Prepare).ToList(), cancellationToken);
            return (rows, prepared, Stopwatch.GetElapsedTime(started));
        }
        if (storedState is not null && rebuiltAtStored is null) rebuiltAtStored = auditor.Reputation.Digest();
        auditor.Finish(relayOffset);
        var findings = auditor.Findings.ToList();
        var count = auditor.FindingCount;
        string? storedDigest = null;
        if (storedState is not null)
        {
            storedDigest = storedState.Digest();
            if (storedDigest != rebuiltAtStored)
            {
                count++;
                findings.Add(new AuditFinding(AuditRules.ReadModel, storedState.Offset, ReadModelStore.ProjectionName, storedState.Offset,
                    $"the stored read models digest to {storedDigest}; replaying the journal to ordering {storedState.Offset} gives {rebuiltAtStored}"));
            }
        }
        return new AuditReport(auditor.Rows, auditor.Envelopes, count, findings, auditor.PendingDeliveries, relayOffset, auditor.Supply.ToString(),
            auditor.Reputation, storedDigest, storedState?.Offset, rebuiltAtStored, stopwatch.Elapsed, preparing, checking);
    }

    /// <summary>The outbox relay's stored offset (its one snapshot), or 0 if it never stored one.</summary>
    public static long RelayOffset(Func<System.Data.Common.DbConnection> connect)
    {
        using var connection = connect();
        using var exists = connection.CreateCommand();
        exists.CommandText = connection is Microsoft.Data.Sqlite.SqliteConnection
            ? "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'snapshot'"
            : "SELECT COUNT(*) FROM information_schema.tables WHERE table_name = 'snapshot'";
        if (Convert.ToInt64(exists.ExecuteScalar()) == 0) return 0;
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT payload, manifest FROM snapshot WHERE persistence_id = 'outbox-relay-offset' ORDER BY sequence_nr DESC LIMIT 1";
        using var reader = command.ExecuteReader();
        return reader.Read() ? ((RelayOffset)PotSerializer.FromBytes(reader.GetFieldValue<byte[]>(0), reader.GetString(1))).Offset : 0;
    }
}
