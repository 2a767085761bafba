using Newtonsoft.Json.Linq;
using PoT.Persistence;

namespace PoT.Specs.Support;

/// <summary>Edits a node's SQLite journal behind its back, as an attacker with the file would.</summary>
public sealed class JournalEditor(string sqliteFile)
{
    public sealed record Row(long Ordering, string PersistenceId, long SequenceNr, string Manifest, byte[] Stored)
    {
        /// <summary>The payload as JSON, exactly as stored (no date sniffing, so it re-serializes to the same bytes).</summary>
        public JObject Payload => Parse(Stored);

        /// <summary>What the next event of this entity names as its predecessor.</summary>
        public string Hash => HashChain.HashOf(Stored);
    }

    public List<Row> Rows(string? persistenceId = null) =>
        [.. Query("SELECT ordering, persistence_id, sequence_nr, manifest, payload FROM event_journal ORDER BY ordering", reader =>
            new Row(reader.GetInt64(0), reader.GetString(1), reader.GetInt64(2), reader.GetString(3), reader.GetFieldValue<byte[]>(4)))
            .Where(r => persistenceId is null || r.PersistenceId == persistenceId)];

    public void SetPayload(long ordering, JObject payload) =>
        Execute("UPDATE event_journal SET payload = @payload WHERE ordering = @ordering", ("@payload", Bytes(payload)), ("@ordering", ordering));

    public void Delete(long ordering) => Execute("DELETE FROM event_journal WHERE ordering = @ordering", ("@ordering", ordering));

    public void Insert(string persistenceId, long sequenceNr, string manifest, JObject payload, string tags = "ledger") => Execute(
        "INSERT INTO event_journal (timestamp, is_deleted, persistence_id, sequence_nr, payload, tags, manifest, serializer_id) " +
        "VALUES (0, 0, @pid, @seq, @payload, @tags, @manifest, 7357)",
        ("@pid", persistenceId), ("@seq", sequenceNr), ("@payload", Bytes(payload)), ("@tags", tags), ("@manifest", manifest));

    public void Sql(string sql) => Execute(sql);

    public static JObject Parse(byte[] stored)
    {
        using var reader = new Newtonsoft.Json.JsonTextReader(new StringReader(System.Text.Encoding.UTF8.GetString(stored)))
        {
            DateParseHandling = Newtonsoft.Json.DateParseHandling.None,
            FloatParseHandling = Newtonsoft.Json.FloatParseHandling.Decimal
        };
        return JObject.Load(reader);
    }

    private static byte[] Bytes(JObject payload) => System.Text.Encoding.UTF8.GetBytes(payload.ToString(Newtonsoft.Json.Formatting.None));

    private List<T> Query<T>(string sql, Func<System.Data.Common.DbDataReader, T> read)
    {
        using var connection = JournalPages.SqliteConnection(sqliteFile);
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<T>();
        while (reader.Read()) rows.Add(read(reader));
        return rows;
    }

    private void Execute(string sql, params (string Name, object Value)[] parameters)
    {
        using var connection = JournalPages.SqliteConnection(sqliteFile);
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters) JournalPages.Parameter(command, name, value);
        command.ExecuteNonQuery();
    }
}
