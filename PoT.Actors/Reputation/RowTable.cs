using System.Data.Common;
using System.Globalization;
using System.Reflection;
using System.Text;
using PoT.Persistence;

namespace PoT.Reputation;

/// <summary>
/// Maps a read-model row record to a SQL table: one column per constructor parameter, in snake_case; integers and
/// booleans as INTEGER, everything else (amounts, addresses, enums, ids) as TEXT, exactly as the API writes them
/// (amounts as decimal strings: `CAST(stake AS REAL)` to sort by amount in SQL). Plain SQL that SQLite and
/// PostgreSQL both accept, so one mapping serves every table and both databases.
/// </summary>
public sealed class RowTable<T> where T : class
{
    private readonly ConstructorInfo _constructor;
    private readonly PropertyInfo[] _properties;
    private readonly string[] _columns;
    private readonly Func<T, string> _key;

    public string Name { get; }

    /// <param name="key">The row's key; null for a one-row table (its key is the table's name).</param>
    public RowTable(string name, Func<T, string>? key)
    {
        Name = name;
        _key = key ?? (_ => name);
        _constructor = typeof(T).GetConstructors().Single(c => c.GetParameters().Length > 0);
        _properties = [.. _constructor.GetParameters().Select(p => typeof(T).GetProperty(p.Name!)!)];
        _columns = [.. _properties.Select(p => SnakeCase(p.Name))];
    }

    public string CreateSql =>
        $"CREATE TABLE IF NOT EXISTS {Name} (row_key TEXT NOT NULL PRIMARY KEY, " +
        string.Join(", ", _properties.Select((p, i) => $"{_columns[i]} {(IsInteger(p.PropertyType) ? "BIGINT" : "TEXT")} NOT NULL")) + ")";

    public string DropSql => $"DROP TABLE IF EXISTS {Name}";

    public void Upsert(DbConnection connection, DbTransaction transaction, IEnumerable<T> rows)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"INSERT INTO {Name} (row_key, {string.Join(", ", _columns)}) VALUES (@row_key, " +
                              string.Join(", ", _columns.Select(c => "@" + c)) + ") ON CONFLICT (row_key) DO UPDATE SET " +
                              string.Join(", ", _columns.Select(c => $"{c} = excluded.{c}"));
        var key = Add(command, "@row_key");
        var values = _columns.Select(c => Add(command, "@" + c)).ToArray();
        foreach (var row in rows)
        {
            key.Value = _key(row);
            for (var i = 0; i < _properties.Length; i++) values[i].Value = ToColumn(_properties[i].GetValue(row));
            command.ExecuteNonQuery();
        }
    }

    public List<T> ReadAll(DbConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {string.Join(", ", _columns)} FROM {Name} ORDER BY row_key";
        using var reader = command.ExecuteReader();
        var rows = new List<T>();
        while (reader.Read())
            rows.Add((T)_constructor.Invoke([.. _properties.Select((p, i) => FromColumn(reader.GetValue(i), p.PropertyType))]));
        return rows;
    }

    private static DbParameter Add(DbCommand command, string name)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        command.Parameters.Add(parameter);
        return parameter;
    }

    private static bool IsInteger(Type t) => t == typeof(int) || t == typeof(uint) || t == typeof(long) || t == typeof(bool);

    private static object ToColumn(object? value) => value switch
    {
        null => DBNull.Value,
        int or long => Convert.ToInt64(value, CultureInfo.InvariantCulture),
        uint u => (long)u,
        bool b => b ? 1L : 0L,
        UInt128 amount => amount.ToString(CultureInfo.InvariantCulture),
        Address address => address.Value,
        Enum e => e.ToString(),
        _ => value.ToString()!
    };

    private static object FromColumn(object value, Type type)
    {
        if (type == typeof(int)) return Convert.ToInt32(value, CultureInfo.InvariantCulture);
        if (type == typeof(long)) return Convert.ToInt64(value, CultureInfo.InvariantCulture);
        if (type == typeof(uint)) return Convert.ToUInt32(value, CultureInfo.InvariantCulture);
        if (type == typeof(bool)) return Convert.ToInt64(value, CultureInfo.InvariantCulture) != 0;
        var text = Convert.ToString(value, CultureInfo.InvariantCulture)!;
        if (type == typeof(UInt128)) return UInt128.Parse(text, CultureInfo.InvariantCulture);
        if (type == typeof(Address)) return Address.Parse(text);
        if (type.IsEnum) return Enum.Parse(type, text);
        return text;
    }

    private static string SnakeCase(string name)
    {
        var builder = new StringBuilder();
        foreach (var c in name)
        {
            if (char.IsUpper(c) && builder.Length > 0) builder.Append('_');
            builder.Append(char.ToLowerInvariant(c));
        }
        return builder.ToString();
    }
}
