using System.CommandLine;
using Newtonsoft.Json.Linq;
using PoT.Persistence;

namespace PoT.Host.Cli;

/// <summary>`pot snapshot --out FILE`: a consistent copy of a node's SQLite database, taken while the node runs
/// (SQLite's VACUUM INTO reads one snapshot and includes what is still in the write-ahead log). What an auditor
/// audits, and a backup.</summary>
public static class SnapshotCommand
{
    public static Command Create()
    {
        var database = new NodeDatabase();
        var output = new Option<FileInfo>("--out", "-o") { Description = "The copy to write (must not exist)", Required = true };
        var command = new Command("snapshot", "Copy a node's database consistently, even while the node runs (for `pot audit` or a backup)")
        {
            database.Db, database.DataDir, output
        };
        command.SetAction(parse => Cli.Run(() =>
        {
            var (file, _) = database.Open(parse);
            var target = parse.GetValue(output)!.FullName;
            if (File.Exists(target)) throw new InvalidOperationException($"{target} exists; a snapshot never overwrites a file");
            using (var connection = JournalPages.SqliteConnection(file, writable: false))
            {
                connection.Open();
                using var vacuum = connection.CreateCommand();
                vacuum.CommandText = "VACUUM INTO $target";
                JournalPages.Parameter(vacuum, "$target", target);
                vacuum.ExecuteNonQuery();
            }
            using var copy = JournalPages.SqliteConnection(target, writable: false);
            copy.Open();
            using var max = copy.CreateCommand();
            max.CommandText = "SELECT COALESCE(MAX(ordering), 0) FROM event_journal";
            Console.WriteLine(new JObject { ["file"] = target, ["bytes"] = new FileInfo(target).Length, ["journalOrdering"] = Convert.ToInt64(max.ExecuteScalar()) });
        }));
        return command;
    }
}
