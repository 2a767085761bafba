using Microsoft.Data.Sqlite;

namespace PoT.Specs.Support;

/// <summary>Reads a node's SQLite journal directly, the way an auditor (or a tamperer) would.</summary>
public static class JournalReader
{
    public sealed record Row(long Ordering, string PersistenceId, long SequenceNr, string Manifest, string Tags, string Payload);

    public static IReadOnlyList<Row> Rows(string sqliteFile)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = sqliteFile, Mode = SqliteOpenMode.ReadOnly }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT ordering, persistence_id, sequence_nr, manifest, tags, payload FROM event_journal ORDER BY ordering";
        using var reader = command.ExecuteReader();
        var rows = new List<Row>();
        while (reader.Read())
            rows.Add(new Row(reader.GetInt64(0), reader.GetString(1), reader.GetInt64(2), reader.GetString(3),
                reader.IsDBNull(4) ? "" : reader.GetString(4), System.Text.Encoding.UTF8.GetString((byte[])reader[5])));
        return rows;
    }

    public static int Count(string sqliteFile) => Rows(sqliteFile).Count;
}
