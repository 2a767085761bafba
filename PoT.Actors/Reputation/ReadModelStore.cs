using System.Data.Common;
using PoT.Persistence;

namespace PoT.Reputation;

/// <summary>The stored projection changed under this writer (another writer, e.g. a rebuild, moved its offset).</summary>
public sealed class ProjectionConflictException(string message) : Exception(message);

/// <summary>
/// The reputation read models as SQL tables in the node's own database (pot_agent_reputation, pot_validator_reputation,
/// pot_provider_reputation, pot_network) and the projection's offset (pot_projection). A batch's row changes and the
/// new offset are written in one transaction, guarded by the offset it started from: a crash leaves either the whole
/// batch or none of it, so replaying from the stored offset never counts an event twice or skips one.
/// </summary>
public sealed class ReadModelStore(Func<DbConnection> connect)
{
    /// <summary>Bumped when the rows or the fold change: a node that finds an older version rebuilds from the start.</summary>
    public const int SchemaVersion = 4;

    public const string ProjectionName = "reputation";

    public static readonly RowTable<AgentReputation> AgentTable = new("pot_agent_reputation", a => a.AgentId);
    public static readonly RowTable<ValidatorReputation> ValidatorTable = new("pot_validator_reputation", v => v.Validator.Value);
    public static readonly RowTable<ProviderReputation> ProviderTable = new("pot_provider_reputation", p => p.Provider.Value);
    public static readonly RowTable<NetworkTotals> NetworkTable = new("pot_network", null);
    public static readonly RowTable<AgentPayer> PayerTable = new("pot_agent_payer", p => p.Key);

    /// <summary>The stored read models and offset; creates the tables, or drops and recreates them when they were
    /// written by another schema version (the projection then starts again from offset 0).</summary>
    public ReputationState Load()
    {
        using var connection = connect();
        using var transaction = connection.BeginTransaction();
        Execute(connection, transaction,
            "CREATE TABLE IF NOT EXISTS pot_projection (name TEXT NOT NULL PRIMARY KEY, ordering BIGINT NOT NULL, schema_version BIGINT NOT NULL)");
        var (offset, version) = ReadOffset(connection, transaction);
        if (version is { } v && v != SchemaVersion)
        {
            foreach (var drop in Tables.Select(t => t.Drop)) Execute(connection, transaction, drop);
            Execute(connection, transaction, "DELETE FROM pot_projection WHERE name = @name", ("@name", ProjectionName));
            (offset, version) = (0, null);
        }
        foreach (var create in Tables.Select(t => t.Create)) Execute(connection, transaction, create);
        if (version is null)
            Execute(connection, transaction, "INSERT INTO pot_projection (name, ordering, schema_version) VALUES (@name, 0, @version)",
                ("@name", ProjectionName), ("@version", SchemaVersion));
        var state = ReputationState.From(AgentTable.ReadAll(connection), ValidatorTable.ReadAll(connection), ProviderTable.ReadAll(connection),
            NetworkTable.ReadAll(connection).SingleOrDefault() ?? NetworkTotals.Empty, offset, PayerTable.ReadAll(connection));
        transaction.Commit();
        return state;
    }

    /// <summary>The stored read models without changing anything (what an auditor reads): null when none are stored or
    /// they were written by another schema version.</summary>
    public ReputationState? TryRead()
    {
        if (!Exists()) return null;
        using var connection = connect();
        // A deferred (read) transaction: one consistent snapshot, no write lock, fine on a read-only file.
        using var transaction = connection.BeginTransaction(System.Data.IsolationLevel.ReadUncommitted);
        var (offset, version) = ReadOffset(connection, transaction);
        if (version != SchemaVersion) return null;
        return ReputationState.From(AgentTable.ReadAll(connection), ValidatorTable.ReadAll(connection), ProviderTable.ReadAll(connection),
            NetworkTable.ReadAll(connection).SingleOrDefault() ?? NetworkTotals.Empty, offset, PayerTable.ReadAll(connection));
    }

    /// <summary>Writes the rows that differ between <paramref name="before"/> and <paramref name="after"/> and moves the
    /// offset from before's to after's, in one transaction.</summary>
    public void Save(ReputationState before, ReputationState after)
    {
        using var connection = connect();
        using var transaction = connection.BeginTransaction();
        AgentTable.Upsert(connection, transaction, Changed(before.Agents, after.Agents));
        ValidatorTable.Upsert(connection, transaction, Changed(before.Validators, after.Validators));
        ProviderTable.Upsert(connection, transaction, Changed(before.Providers, after.Providers));
        PayerTable.Upsert(connection, transaction, Changed(before.Payers, after.Payers));
        if (!ReferenceEquals(before.Network, after.Network)) NetworkTable.Upsert(connection, transaction, [after.Network]);
        var moved = Execute(connection, transaction, "UPDATE pot_projection SET ordering = @after WHERE name = @name AND ordering = @before",
            ("@after", after.Offset), ("@name", ProjectionName), ("@before", before.Offset));
        if (moved != 1)
            throw new ProjectionConflictException($"the stored {ProjectionName} projection is no longer at ordering {before.Offset}; reloading");
        transaction.Commit();
    }

    /// <summary>Replaces the read models with <paramref name="state"/> (a rebuild), in one transaction.</summary>
    public void Replace(ReputationState state)
    {
        using var connection = connect();
        using var transaction = connection.BeginTransaction();
        foreach (var (drop, create) in Tables)
        {
            Execute(connection, transaction, drop);
            Execute(connection, transaction, create);
        }
        AgentTable.Upsert(connection, transaction, state.Agents.Values);
        ValidatorTable.Upsert(connection, transaction, state.Validators.Values);
        ProviderTable.Upsert(connection, transaction, state.Providers.Values);
        PayerTable.Upsert(connection, transaction, state.Payers.Values);
        NetworkTable.Upsert(connection, transaction, [state.Network]);
        Execute(connection, transaction,
            "CREATE TABLE IF NOT EXISTS pot_projection (name TEXT NOT NULL PRIMARY KEY, ordering BIGINT NOT NULL, schema_version BIGINT NOT NULL)");
        Execute(connection, transaction, "DELETE FROM pot_projection WHERE name = @name", ("@name", ProjectionName));
        Execute(connection, transaction, "INSERT INTO pot_projection (name, ordering, schema_version) VALUES (@name, @ordering, @version)",
            ("@name", ProjectionName), ("@ordering", state.Offset), ("@version", SchemaVersion));
        transaction.Commit();
    }

    /// <summary>Whether a node has ever stored read models here (an auditor compares them when it has).</summary>
    public bool Exists()
    {
        using var connection = connect();
        using var command = connection.CreateCommand();
        command.CommandText = connection is Microsoft.Data.Sqlite.SqliteConnection
            ? "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'pot_projection'"
            : "SELECT COUNT(*) FROM information_schema.tables WHERE table_name = 'pot_projection'";
        return Convert.ToInt64(command.ExecuteScalar()) > 0;
    }

    private static IEnumerable<(string Drop, string Create)> Tables =>
    [
        (AgentTable.DropSql, AgentTable.CreateSql), (ValidatorTable.DropSql, ValidatorTable.CreateSql),
        (ProviderTable.DropSql, ProviderTable.CreateSql), (NetworkTable.DropSql, NetworkTable.CreateSql), (PayerTable.DropSql, PayerTable.CreateSql)
    ];

    private static (long Offset, long? Version) ReadOffset(DbConnection connection, DbTransaction transaction)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT ordering, schema_version FROM pot_projection WHERE name = @name";
        JournalPages.Parameter(command, "@name", ProjectionName);
        using var reader = command.ExecuteReader();
        return reader.Read() ? (reader.GetInt64(0), reader.GetInt64(1)) : (0, null);
    }

    private static IEnumerable<T> Changed<T>(System.Collections.Immutable.ImmutableSortedDictionary<string, T> before,
        System.Collections.Immutable.ImmutableSortedDictionary<string, T> after) where T : class =>
        ReferenceEquals(before, after) ? [] : after.Where(kv => !before.TryGetValue(kv.Key, out var old) || !ReferenceEquals(old, kv.Value)).Select(kv => kv.Value);

    private static int Execute(DbConnection connection, DbTransaction transaction, string sql, params (string Name, object Value)[] parameters)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters) JournalPages.Parameter(command, name, value);
        return command.ExecuteNonQuery();
    }
}
