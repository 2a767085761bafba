using System.CommandLine;
using System.Diagnostics;
using Newtonsoft.Json.Linq;
using PoT.Persistence;
using PoT.Reputation;

namespace PoT.Host.Cli;

/// <summary>`pot projections rebuild | digest`: the reputation read models of a node's SQLite file, offline.</summary>
public static class ProjectionsCommand
{
    public static Command Create()
    {
        var database = new NodeDatabase();
        var config = new Option<FileInfo?>("--config") { Description = "A HOCON file whose values override hocon/pot.conf (pot.reputation weights)" };
        var rebuild = new Command("rebuild",
            "Drop the read models and replay the whole journal into them (stop the node first, or let it restart its projection)")
        {
            database.Db, database.DataDir, config
        };
        rebuild.SetAction(parse => Cli.RunAsync(async () =>
        {
            var (file, settings) = database.Open(parse, config);
            var stopwatch = Stopwatch.StartNew();
            var shown = Stopwatch.StartNew();
            var state = await ReputationRebuild.Fold(JournalPages.Sqlite(file), settings.Reputation.Parameters, progress: (done, total) =>
            {
                if (shown.ElapsedMilliseconds < 500 && done < total) return;
                shown.Restart();
                Console.Error.Write($"\r  replayed {done:N0} of {total:N0} journal rows ({done / Math.Max(stopwatch.Elapsed.TotalSeconds, 1e-3):N0}/s)   ");
            });
            Console.Error.WriteLine();
            new ReadModelStore(() => JournalPages.SqliteConnection(file)).Replace(state);
            Console.WriteLine(Summary(state, stopwatch.Elapsed));
            return 0;
        }));
        var digest = new Command("digest", "The stored read models' digest and offset (compare with GET /v1/network or `pot audit`)") { database.Db, database.DataDir };
        digest.SetAction(parse => Cli.Run(() =>
        {
            var (file, _) = database.Open(parse);
            var store = new ReadModelStore(() => JournalPages.SqliteConnection(file));
            if (!store.Exists()) throw new InvalidOperationException($"{file} holds no read models yet (run the node, or `pot projections rebuild`)");
            Console.WriteLine(Summary(store.Load(), null));
        }));
        return new Command("projections", "The reputation read models: rebuild them from the journal, or show their digest") { rebuild, digest };
    }

    private static JObject Summary(ReputationState state, TimeSpan? elapsed)
    {
        var summary = new JObject
        {
            ["offset"] = state.Offset,
            ["events"] = state.Network.Events,
            ["agents"] = state.Agents.Count,
            ["validators"] = state.Validators.Count,
            ["providers"] = state.Providers.Count,
            ["digest"] = state.Digest()
        };
        if (elapsed is { } e) summary["seconds"] = Math.Round(e.TotalSeconds, 2);
        return summary;
    }
}
