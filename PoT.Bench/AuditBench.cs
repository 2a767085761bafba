using System.Diagnostics;
using Akka.Configuration;
using PoT.Audit;
using PoT.Hosting;
using PoT.Host.Node;
using PoT.Ledger;
using PoT.Persistence;
using PoT.Protocol;
using PoT.Reputation;

namespace PoT.Bench;

/// <summary>
/// `pot audit` throughput on a journal a real node wrote (signed transfers from many clients), beside the raw
/// secp256k1 recovery rate on every core measured in the same run: signatures are the audit's irreducible cost.
/// </summary>
public static class AuditBench
{
    public static async Task<int> Run(string[] args)
    {
        var transfers = Args.Int(args, "--transfers", 30_000);
        var clients = Args.Int(args, "--clients", 32);
        var cores = Environment.ProcessorCount;
        Console.WriteLine($"machine: {cores} cores, {Environment.OSVersion}, .NET {Environment.Version}");

        var dir = Path.Combine(Path.GetTempPath(), "pot-bench", Guid.NewGuid().ToString("n"));
        Directory.CreateDirectory(dir);
        await WriteJournal(dir, clients, transfers / clients);
        var file = Path.Combine(dir, "pot.db");

        var recovery = Baselines.RecoveryRate(cores, TimeSpan.FromSeconds(3));
        var recovery1 = Baselines.RecoveryRate(1, TimeSpan.FromSeconds(3));
        Console.WriteLine($"raw secp256k1 recovery: {recovery:N0}/s on {cores} cores, {recovery1:N0}/s on 1 core");

        var settings = PotConfig.Load(ConfigurationFactory.ParseString($"pot.node.data-dir = {PotConfig.Quote(dir)}"));
        var audit = new AuditSettings(new CommandVerifier(CommandCatalog.Pot, settings.Domain), settings.Ledger, settings.Registry, settings.Consensus,
            settings.Reputation.Parameters, settings.Tasks, settings.Emission.Schedule);
        Func<System.Data.Common.DbConnection> connect = () => JournalPages.SqliteConnection(file, writable: false);
        // What an auditor runs: `pot audit` in a fresh process (its own GC and JIT settings), twice.
        for (var run = 1; run <= 2; run++)
        {
            var (seconds, rows, envelopes) = await PotAudit(file);
            Console.WriteLine($"pot audit (process, run {run}): {rows:N0} rows, {envelopes:N0} signed envelopes in {seconds:F1} s: {rows / seconds:N0} events/s = " +
                              $"{rows / seconds / recovery:F2} x raw recovery on {cores} cores; {envelopes / seconds:N0} signatures/s = {envelopes / seconds / recovery:F2} x");
        }

        // Twice: the first run pays for JIT and JSON contract warm-up (fixed costs a long journal amortizes), the
        // second shows the rate an auditor sees over most of a long journal.
        foreach (var run in new[] { "cold", "warm" })
        {
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var report = await AuditRun.Run(new JournalPages(connect), new ReadModelStore(connect), AuditRun.RelayOffset(connect), audit);
            if (!report.Clean) throw new InvalidOperationException($"the journal did not audit clean: {string.Join("; ", report.Findings.Take(5))}");
            var seconds = report.Elapsed.TotalSeconds;
            Console.WriteLine($"audit ({run}): {report.Rows:N0} rows, {report.Envelopes:N0} signed envelopes in {seconds:F1} s: {report.Rows / seconds:N0} events/s = " +
                              $"{report.Rows / seconds / recovery:F2} x raw recovery on {cores} cores; {report.Envelopes / seconds:N0} signatures/s = " +
                              $"{report.Envelopes / seconds / recovery:F2} x; verdict clean");
            Console.WriteLine($"  (pages decoded and verified on every core: {report.Preparing.TotalSeconds:F1} s of wall time; checked in order on one thread: " +
                              $"{report.Checking.TotalSeconds:F1} s, {report.Checking.TotalMicroseconds / report.Rows:F0} µs a row; the two overlap; {(Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMicroseconds / report.Envelopes:F0} µs of CPU per envelope)");
        }
        return 0;
    }

    /// <summary>Runs `pot audit --json` (the pot.dll beside the bench) and reads its own timing (process start excluded).</summary>
    private static async Task<(double Seconds, long Rows, long Envelopes)> PotAudit(string file)
    {
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "pot.dll"), "audit", "--db", file, "--json"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start pot");
        var output = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var report = Newtonsoft.Json.Linq.JObject.Parse(await output);
        if ((string)report["verdict"]! != "clean") throw new InvalidOperationException("pot audit did not find the journal clean: " + report);
        return ((double)report["seconds"]!, (long)report["rows"]!, (long)report["envelopes"]!);
    }

    /// <summary>A node process takes signed transfers from many clients until the journal holds them all, then stops.</summary>
    private static async Task WriteJournal(string dir, int clients, int perClient)
    {
        var senders = Enumerable.Range(0, clients).Select(i => EthKey.FromSeed($"audit-bench-{i}")).ToArray();
        var genesis = new GenesisSpec([.. senders.Select(k => new GenesisAllocation(k.Address, 1_000_000_000))]);
        await File.WriteAllTextAsync(Path.Combine(dir, "genesis.json"), genesis.CanonicalJson().ToString());
        var verifier = new CommandVerifier(CommandCatalog.Pot, PotConfig.Load().Domain);
        var bodies = senders.AsParallel().AsOrdered().Select((key, i) => Enumerable.Range(0, perClient).Select(n =>
            CommandVerifier.WireEnvelope(verifier.Sign(new Transfer(key.Address, senders[(i + 1) % clients].Address, 1, (ulong)n), key).Envelope)
                .ToString(Newtonsoft.Json.Formatting.None)).ToArray()).ToArray();
        var stopwatch = Stopwatch.StartNew();
        await using (var node = await NodeProcess.Start(dir))
        {
            using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = clients }) { BaseAddress = node.Url };
            foreach (var sender in senders)
                while ((int)(await http.GetAsync($"/v1/accounts/{sender.Address}")).StatusCode != 200) await Task.Delay(50);
            await Task.WhenAll(bodies.Select(b => IngestBench.Send(http, b, null)));
            // Every credit delivered and folded before the node stops.
            while (true)
            {
                var network = Newtonsoft.Json.Linq.JObject.Parse(await http.GetStringAsync("/v1/network"));
                var first = Newtonsoft.Json.Linq.JObject.Parse(await http.GetStringAsync($"/v1/accounts/{senders[0].Address}"));
                if ((long)network["offset"]! == (long)network["journalOrdering"]! && (string)first["balance"]! == "1000000000") break;
                await Task.Delay(100);
            }
        }
        Console.WriteLine($"journal written by a node: {clients * perClient:N0} signed transfers from {clients} clients in {stopwatch.Elapsed.TotalSeconds:F0} s");
    }
}
