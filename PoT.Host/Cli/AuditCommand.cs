using System.CommandLine;
using Akka.Configuration;
using Newtonsoft.Json.Linq;
using PoT.Audit;
using PoT.Hosting;
using PoT.Persistence;
using PoT.Protocol;
using PoT.Reputation;

namespace PoT.Host.Cli;

/// <summary>
/// `pot audit --db FILE`: replays a node's whole journal offline (no node running) and re-checks everything
/// without trusting the node (docs/audit.md). Exit code 0: clean; 1: findings; 2: it could not audit.
/// </summary>
public static class AuditCommand
{
    public static Command Create()
    {
        var db = new Option<FileInfo>("--db") { Description = "The node's SQLite file (audit a copy: the file is only read)", Required = true };
        var config = new Option<FileInfo?>("--config") { Description = "The node's HOCON overrides (chain id, rules, reputation weights): audit with the rules it ran" };
        var json = new Option<bool>("--json") { Description = "Print the report as JSON" };
        var max = new Option<int>("--max-findings") { Description = "Findings listed at most (all are counted)", DefaultValueFactory = _ => 1000 };
        var command = new Command("audit", "Replay a node's journal offline and re-check signatures, hash chains, rules, conservation and read models")
        {
            db, config, json, max
        };
        command.SetAction(async parse =>
        {
            var file = parse.GetValue(db)!;
            if (!file.Exists)
            {
                await Console.Error.WriteLineAsync($"pot audit: no database at {file.FullName}");
                return 2;
            }
            PotSettings settings;
            try
            {
                settings = PotConfig.Load(parse.GetValue(config) is { } c ? ConfigurationFactory.ParseString(await File.ReadAllTextAsync(c.FullName)) : null);
            }
            catch (Exception e) when (e is ConfigurationException or FormatException or IOException)
            {
                await Console.Error.WriteLineAsync($"pot audit: configuration error: {e.Message}");
                return 2;
            }
            var audit = new AuditSettings(new CommandVerifier(CommandCatalog.Pot, settings.Domain), settings.Ledger, settings.Registry, settings.Consensus,
                settings.Reputation.Parameters, settings.Tasks, settings.Emission.Schedule, parse.GetValue(max));
            var connect = () => JournalPages.SqliteConnection(file.FullName, writable: false);
            var showProgress = !parse.GetValue(json) && !Console.IsErrorRedirected;
            AuditReport report;
            try
            {
                report = await AuditRun.Run(new JournalPages(connect), new ReadModelStore(connect), AuditRun.RelayOffset(connect), audit,
                    showProgress ? Progress : null);
            }
            catch (Exception e) when (e is Microsoft.Data.Sqlite.SqliteException or InvalidOperationException)
            {
                await Console.Error.WriteLineAsync($"pot audit: cannot read {file.FullName}: {e.Message}");
                return 2;
            }
            if (showProgress) Console.Error.WriteLine();
            Console.WriteLine(parse.GetValue(json) ? Json(report).ToString() : Text(report));
            return report.Clean ? 0 : 1;
        });
        return command;
    }

    private static void Progress(long done, long total)
    {
        const int width = 40;
        var filled = total == 0 ? width : (int)(width * done / total);
        Console.Error.Write($"\r  [{new string('#', filled)}{new string('.', width - filled)}] {done:N0}/{total:N0} rows");
    }

    private static string Text(AuditReport r)
    {
        var lines = new List<string>
        {
            $"journal rows: {r.Rows:N0}; signed envelopes verified: {r.Envelopes:N0}; supply {r.Supply}; " +
            $"deliveries still owed: {r.PendingDeliveries} (relay at ordering {r.RelayOffset})",
            $"reputation rebuilt to ordering {r.Reputation.Offset}: digest {r.Reputation.Digest()}",
            r.StoredDigest is null
                ? "stored read models: none"
                : $"stored read models at ordering {r.StoredOffset}: digest {r.StoredDigest} ({(r.StoredDigest == r.RebuiltDigestAtStoredOffset ? "equal to the replay" : "DIFFERENT from the replay")})"
        };
        lines.AddRange(r.Findings.Select(f => "  " + f));
        if (r.FindingCount > r.Findings.Count) lines.Add($"  … and {r.FindingCount - r.Findings.Count} more");
        lines.Add(r.Clean
            ? $"verdict: CLEAN — every check passed ({r.Elapsed.TotalSeconds:F1} s)"
            : $"verdict: {r.FindingCount} FINDING(S) ({r.Elapsed.TotalSeconds:F1} s)");
        return string.Join(Environment.NewLine, lines);
    }

    private static JObject Json(AuditReport r) => new()
    {
        ["verdict"] = r.Clean ? "clean" : "findings",
        ["rows"] = r.Rows,
        ["envelopes"] = r.Envelopes,
        ["supply"] = r.Supply,
        ["pendingDeliveries"] = r.PendingDeliveries,
        ["relayOffset"] = r.RelayOffset,
        ["reputation"] = new JObject { ["offset"] = r.Reputation.Offset, ["digest"] = r.Reputation.Digest() },
        ["storedReadModels"] = r.StoredDigest is null
            ? null
            : new JObject { ["offset"] = r.StoredOffset, ["digest"] = r.StoredDigest, ["replayDigest"] = r.RebuiltDigestAtStoredOffset },
        ["findingCount"] = r.FindingCount,
        ["findings"] = new JArray(r.Findings.Select(f => new JObject
        {
            ["rule"] = f.Rule, ["persistenceId"] = f.PersistenceId, ["sequenceNr"] = f.SequenceNr, ["ordering"] = f.Ordering, ["message"] = f.Message
        })),
        ["seconds"] = Math.Round(r.Elapsed.TotalSeconds, 2)
    };
}
