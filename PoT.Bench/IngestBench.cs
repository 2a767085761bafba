using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using Akka.Configuration;
using PoT.Hosting;
using PoT.Host.Node;
using PoT.Ledger;
using PoT.Protocol;

namespace PoT.Bench;

/// <summary>
/// Signed-command ingest end to end: many concurrent HTTP clients POST signed transfers to a real node
/// (Kestrel → EIP-712 verify → account entity → SQLite commit → reply), beside the two raw rates that bound it,
/// measured in the same run: Akka.Persistence.Sql's batched write rate and secp256k1 recovery on every core.
/// </summary>
public static class IngestBench
{
    public static async Task<int> Run(string[] args)
    {
        var clients = Args.Int(args, "--clients", 64);
        var perClient = Args.Int(args, "--commands-per-client", 600);
        var warmup = Args.Int(args, "--warmup-per-client", 100);
        var journalEvents = Args.Int(args, "--journal-events", 40_000);
        var cores = Environment.ProcessorCount;

        Console.WriteLine($"machine: {Machine()}, {cores} cores, {Environment.OSVersion}, .NET {Environment.Version}");
        if (args.Contains("--ingest-only"))
        {
            var only = await Ingest(clients, perClient, warmup, args.Contains("--stake"), args.Contains("--normal") ? "normal" : "full");
            Console.WriteLine($"ingest: {only.Rate:N0} signed commands/s (p50 {only.P50:F1} ms, p99 {only.P99:F1} ms), node CPU {only.NodeCpuMicros:F0} µs/command, settled {only.SettleSeconds:F1} s");
            Console.WriteLine($"reputation projection lag behind the journal during ingest: {only.Lag}");
            return 0;
        }

        var recovery1 = Baselines.RecoveryRate(1, TimeSpan.FromSeconds(3));
        var recoveryAll = Baselines.RecoveryRate(cores, TimeSpan.FromSeconds(3));
        Console.WriteLine($"raw secp256k1 recovery: {recovery1:N0}/s on 1 core, {recoveryAll:N0}/s on {cores} cores");

        var journalDir = TempDir();
        var journalConfig = PotConfig.Load(ConfigurationFactory.ParseString($"pot.node.data-dir = {PotConfig.Quote(journalDir)}\nakka.loglevel = WARNING"));
        PoT.Persistence.SqliteSetup.EnableWal(journalConfig.SqliteFile!);
        var journal = await Baselines.JournalWriteRate(journalConfig.Config, writers: 16, eventsPerWriter: journalEvents / 16, batch: 100);
        Console.WriteLine($"raw Akka.Persistence.Sql write rate (PersistAllAsync, batches of 100, SQLite WAL): {journal:N0} events/s");
        // The pattern ingest really has: many entities, each with one event in flight.
        var single = await Baselines.JournalWriteRate(journalConfig.Config, writers: clients, eventsPerWriter: journalEvents / 2 / clients, batch: 1);
        Console.WriteLine($"raw Akka.Persistence.Sql write rate ({clients} writers, one event in flight each): {single:N0} events/s");

        var runs = new (string Name, bool Stake, string Sync)[]
        {
            ("Transfer (debit + relayed credit: 2 events)", false, "full"),
            ("StakeAsValidator (1 event)", true, "full"),
            ("Transfer (2 events)", false, "normal")
        };
        var results = new List<(string Name, string Sync, (double Rate, double P50, double P99, double SettleSeconds, double NodeCpuMicros, string Lag) R)>();
        foreach (var (name, stake, sync) in runs)
        {
            var r = await Ingest(clients, perClient, warmup, stake, sync);
            Console.WriteLine($"ingest {name}, synchronous = {sync}: {r.Rate:N0}/s, p50 {r.P50:F1} ms, p99 {r.P99:F1} ms, node CPU {r.NodeCpuMicros:F0} µs/command"
                              + (stake ? "" : $", credits settled {r.SettleSeconds:F1} s after the last reply") + $"; projection lag {r.Lag}");
            results.Add((name, sync, r));
        }

        var bound = Math.Min(journal, recoveryAll);
        Console.WriteLine();
        Console.WriteLine($"| measure ({clients} concurrent HTTP clients) | rate | node CPU per command | share of the bound ({bound:N0}/s) |");
        Console.WriteLine("| --- | ---: | ---: | ---: |");
        foreach (var (name, sync, r) in results)
            Console.WriteLine($"| ingest: {name}, SQLite synchronous = {sync} | {r.Rate:N0} /s | {r.NodeCpuMicros:F0} µs | {r.Rate / bound:P0} |");
        Console.WriteLine();
        Console.WriteLine($"ingest of one-event commands / raw single-event Persist rate: {results[1].R.Rate / single:P0}");
        Console.WriteLine($"| raw Akka.Persistence.Sql PersistAllAsync (16 writers, batches of 100) | {journal:N0} events/s | — | — |");
        Console.WriteLine($"| raw Akka.Persistence.Sql Persist, {clients} writers with one event in flight each | {single:N0} events/s | — | — |");
        Console.WriteLine($"| raw secp256k1 recovery, {cores} cores | {recoveryAll:N0} /s | {1e6 / recovery1:F0} µs (1 core) | — |");
        Console.WriteLine($"| raw secp256k1 recovery, 1 core | {recovery1:N0} /s | — | — |");
        return 0;
    }

    /// <summary>Loads a real `pot node` process (server GC, as operators run it) from this process's HTTP clients.</summary>
    private static async Task<(double Rate, double P50, double P99, double SettleSeconds, double NodeCpuMicros, string Lag)> Ingest(
        int clients, int perClient, int warmup, bool stake, string synchronous)
    {
        var dir = TempDir();
        var config = Path.Combine(dir, "bench.conf");
        await File.WriteAllTextAsync(config, $"pot.persistence.sqlite.synchronous = {synchronous}");
        var senders = Enumerable.Range(0, clients).Select(i => EthKey.FromSeed($"ingest-sender-{i}")).ToArray();
        var genesis = new GenesisSpec([.. senders.Select(k => new GenesisAllocation(k.Address, 1_000_000_000))]);
        await File.WriteAllTextAsync(Path.Combine(dir, "genesis.json"), genesis.CanonicalJson().ToString());

        await using var node = await NodeProcess.Start(dir, null, "--config", config);
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = clients }) { BaseAddress = node.Url };
        foreach (var sender in senders)
            while ((int)(await http.GetAsync($"/v1/accounts/{sender.Address}")).StatusCode != 200) await Task.Delay(50);

        // Signing is the client's work: done before the clock starts.
        var verifier = new CommandVerifier(CommandCatalog.Pot, PotConfig.Load().Domain);
        var bodies = senders.AsParallel().AsOrdered().Select((key, i) => Enumerable.Range(0, warmup + perClient).Select(n =>
            CommandVerifier.WireEnvelope(verifier.Sign(stake
                    ? new StakeAsValidator(key.Address, 1, (ulong)n)
                    : new Transfer(key.Address, senders[(i + 1) % clients].Address, 1, (ulong)n), key).Envelope)
                .ToString(Newtonsoft.Json.Formatting.None)).ToArray()).ToArray();

        await Task.WhenAll(bodies.Select(b => Send(http, b[..warmup], null)));
        var latencies = new ConcurrentBag<double>();
        using var sampling = new CancellationTokenSource();
        var lag = SampleProjectionLag(http, sampling.Token);
        var cpuBefore = node.CpuTime;
        var stopwatch = Stopwatch.StartNew();
        await Task.WhenAll(bodies.Select(b => Send(http, b[warmup..], latencies)));
        var elapsed = stopwatch.Elapsed.TotalSeconds;
        sampling.CancelAfter(TimeSpan.FromSeconds(3));
        var nodeCpu = (node.CpuTime - cpuBefore).TotalMicroseconds / (clients * perClient);

        // Every transfer's credit lands through the outbox relay: time until the last one has.
        var settleWatch = Stopwatch.StartNew();
        while (!stake)
        {
            var json = Newtonsoft.Json.Linq.JObject.Parse(await http.GetStringAsync($"/v1/accounts/{senders[0].Address}"));
            if (ulong.Parse((string)json["balance"]!) == 1_000_000_000) break;
            await Task.Delay(20);
        }
        var sorted = latencies.Order().ToArray();
        foreach (var line in node.Log.Where(l => l.Contains("reputation projection") && !l.Contains("resuming")).Take(10)) Console.WriteLine("  node: " + line);
        return (clients * perClient / elapsed, sorted[sorted.Length / 2], sorted[(int)(sorted.Length * 0.99)], settleWatch.Elapsed.TotalSeconds, nodeCpu,
            await lag);
    }

    /// <summary>
    /// Samples GET /v1/network every 50 ms: at each sample the journal has reached some ordering; the lag of that
    /// sample is the time until the served read models (the projection's fold) reached it, and the time until the
    /// database's copy (its stored offset) did. Reports p50, p99 and the maximum of each.
    /// </summary>
    private static async Task<string> SampleProjectionLag(HttpClient http, CancellationToken stop)
    {
        var samples = new List<(double At, long Offset, long Stored, long Journal)>();
        var clock = Stopwatch.StartNew();
        while (!stop.IsCancellationRequested)
        {
            try
            {
                var json = Newtonsoft.Json.Linq.JObject.Parse(await http.GetStringAsync("/v1/network", stop));
                samples.Add((clock.Elapsed.TotalMilliseconds, (long)json["offset"]!, (long)json["storedOffset"]!, (long)json["journalOrdering"]!));
                await Task.Delay(50, stop);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
        return $"served {Lags(samples.Select(s => (s.At, s.Offset, s.Journal)).ToList())}; stored {Lags(samples.Select(s => (s.At, s.Stored, s.Journal)).ToList())} " +
               "(50 ms sampling: a lag below one sampling interval shows as 0–50 ms)";

        static string Lags(List<(double At, long Offset, long Journal)> samples)
        {
            var lags = new List<double>();
            for (var i = 0; i < samples.Count; i++)
            {
                var caughtUp = samples.Skip(i).FirstOrDefault(s => s.Offset >= samples[i].Journal);
                if (caughtUp != default) lags.Add(caughtUp.At - samples[i].At);
            }
            if (lags.Count == 0) return "no samples";
            lags.Sort();
            return $"p50 {lags[lags.Count / 2]:F0} ms, p99 {lags[(int)(lags.Count * 0.99)]:F0} ms, max {lags[^1]:F0} ms over {lags.Count} samples";
        }
    }

    /// <summary>Posts signed envelopes one after another, as one client does (failing on any refusal).</summary>
    internal static async Task Send(HttpClient http, string[] bodies, ConcurrentBag<double>? latencies)
    {
        foreach (var body in bodies)
        {
            var started = Stopwatch.GetTimestamp();
            using var content = new StringContent(body, Encoding.UTF8);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            using var response = await http.PostAsync("/v1/commands", content);
            if (!response.IsSuccessStatusCode)
                throw new InvalidOperationException($"HTTP {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            latencies?.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
    }

    private static string TempDir()
    {
        var dir = Path.Combine(Path.GetTempPath(), "pot-bench", Guid.NewGuid().ToString("n"));
        Directory.CreateDirectory(dir);
        return dir;
    }

    public static string Machine()
    {
        try
        {
            return File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name"))?.Split(':', 2)[1].Trim() ?? "unknown CPU";
        }
        catch (IOException)
        {
            return "unknown CPU";
        }
    }
}
