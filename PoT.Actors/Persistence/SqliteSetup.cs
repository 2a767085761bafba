using Akka.Persistence.Sql.Config;
using LinqToDB;
using Microsoft.Data.Sqlite;

namespace PoT.Persistence;

/// <summary>Prepares the embedded SQLite file before the actor system opens it.</summary>
public static class SqliteSetup
{
    /// <summary>Creates the file's directory and switches the file to write-ahead logging. WAL is a property of the
    /// file, so this only has to succeed once; it lets readers (queries, the relay) run beside the one writer and
    /// measured ≈ 9x the commit rate of the default rollback journal here (FACTS.md).</summary>
    public static void EnableWal(string file)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(file))!);
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode=WAL;";
        var mode = (string?)command.ExecuteScalar();
        if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
            throw new InvalidOperationException($"{file}: SQLite refused WAL mode (got '{mode}')");
    }

    /// <summary>
    /// Settings for every connection Akka.Persistence.Sql opens on the SQLite file (they are per connection in SQLite):
    /// <list type="bullet">
    /// <item>busy_timeout: wait for the write lock inside SQLite (its busy handler sleeps 1–100 ms) instead of failing
    /// busy; Microsoft.Data.Sqlite's own retry sleeps 150 ms at a time, which, measured here, stalled the single
    /// journal writer behind every snapshot and offset write (p99 ≥ 150 ms).</item>
    /// <item>synchronous: FULL (default) syncs the WAL at every commit, so an acknowledged command survives power loss;
    /// NORMAL syncs only at checkpoints: it still survives a killed process, not a power cut (docs/benchmarks.md has
    /// both rates).</item>
    /// </list>
    /// </summary>
    public static DataOptionsSetup ConnectionSettings(string connectionString, TimeSpan busyTimeout, string synchronous)
    {
        if (synchronous is not ("full" or "normal"))
            throw new ArgumentException($"pot.persistence.sqlite.synchronous must be full or normal, not '{synchronous}'");
        var pragmas = $"PRAGMA busy_timeout = {(int)busyTimeout.TotalMilliseconds}; PRAGMA synchronous = {synchronous.ToUpperInvariant()};";
        return new(new DataOptions()
            .UseConnectionString("SQLite.MS", connectionString)
            .UseAfterConnectionOpened(
                connection => Apply(connection, pragmas),
                (connection, _) =>
                {
                    Apply(connection, pragmas);
                    return Task.CompletedTask;
                }));
    }

    private static void Apply(System.Data.Common.DbConnection connection, string pragmas)
    {
        using var command = connection.CreateCommand();
        command.CommandText = pragmas;
        command.ExecuteNonQuery();
    }
}
