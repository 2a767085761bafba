using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace PoT.Persistence;

/// <summary>One row of the event journal as stored: the bytes an auditor re-hashes, and where they sit.</summary>
public sealed record JournalRow(long Ordering, string PersistenceId, long SequenceNr, string Manifest, byte[] Payload, bool Deleted)
{
    /// <summary>The event these bytes decode to (a <see cref="System.Runtime.Serialization.SerializationException"/> or
    /// a JSON error if they do not).</summary>
    public PotEvent Decode() => (PotEvent)PotSerializer.FromBytes(Payload, Manifest);
}

/// <summary>
/// Reads the journal table directly in pages of its global ordering, with plain ADO.NET: what the projections follow
/// and what `pot audit` replays without a node. (docs/reputation.md says why this and not Akka.Persistence.Query:
/// measured, it reads faster than AllEvents, and the audit needs the stored bytes, without an actor system.)
/// </summary>
public sealed class JournalPages(Func<DbConnection> connect, string table = "event_journal")
{
    /// <summary>Pages over a SQLite file, read-only unless <paramref name="writable"/>.</summary>
    public static JournalPages Sqlite(string file, bool writable = false) => new(() => SqliteConnection(file, writable));

    public static DbConnection SqliteConnection(string file, bool writable = true)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = file,
            Mode = writable ? SqliteOpenMode.ReadWriteCreate : SqliteOpenMode.ReadOnly,
            Pooling = true
        }.ToString());
        connection.Open();
        using var pragma = connection.CreateCommand();
        pragma.CommandText = "PRAGMA busy_timeout = 5000;";
        pragma.ExecuteNonQuery();
        return connection;
    }

    public DbConnection Connect() => connect();

    /// <summary>Up to <paramref name="limit"/> rows after <paramref name="ordering"/>, in order. A missing journal table
    /// (a node that never wrote) reads as empty.</summary>
    public async Task<IReadOnlyList<JournalRow>> After(long ordering, int limit, CancellationToken cancellationToken = default)
    {
        await using var connection = connect();
        if (!await TableExists(connection, cancellationToken)) return [];
        await using var command = connection.CreateCommand();
        command.CommandText =
            $"SELECT ordering, persistence_id, sequence_nr, manifest, payload, is_deleted FROM {table} WHERE ordering > @after ORDER BY ordering LIMIT @limit";
        Parameter(command, "@after", ordering);
        Parameter(command, "@limit", limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<JournalRow>(limit);
        while (await reader.ReadAsync(cancellationToken))
            rows.Add(new JournalRow(reader.GetInt64(0), reader.GetString(1), reader.GetInt64(2), reader.IsDBNull(3) ? "" : reader.GetString(3),
                reader.GetFieldValue<byte[]>(4), Convert.ToBoolean(reader.GetValue(5))));
        return rows;
    }

    /// <summary>The highest ordering written so far (0 for an empty journal).</summary>
    public async Task<long> MaxOrdering(CancellationToken cancellationToken = default)
    {
        await using var connection = connect();
        if (!await TableExists(connection, cancellationToken)) return 0;
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT COALESCE(MAX(ordering), 0) FROM {table}";
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken));
    }

    /// <summary>Every row from the start, page by page.</summary>
    public async IAsyncEnumerable<JournalRow> All(int pageSize = 5000, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        long after = 0;
        while (true)
        {
            var page = await After(after, pageSize, cancellationToken);
            foreach (var row in page) yield return row;
            if (page.Count < pageSize) yield break;
            after = page[^1].Ordering;
        }
    }

    private async Task<bool> TableExists(DbConnection connection, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = connection is SqliteConnection
            ? "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = @name"
            : "SELECT COUNT(*) FROM information_schema.tables WHERE table_name = @name";
        Parameter(command, "@name", table);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken)) > 0;
    }

    public static void Parameter(DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
    }
}
