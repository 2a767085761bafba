using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using PoT.Orchestration;

namespace PoT.Bench;

/// <summary>
/// Routing decisions (<see cref="AgentIndex.Rank"/>) at 100, 1,000 and 10,000 registered agents (20 capabilities,
/// each agent offering 1–3, half of them with a full window of recent calls): a Stopwatch loop timing every decision
/// (p50/p99/max, which BenchmarkDotNet does not print) beside two raw baselines measured in the same run — one naive
/// LINQ OrderByDescending over the same candidates, and an empty loop over the candidate array — then the same three
/// as BenchmarkDotNet benchmarks (means and allocations).
/// </summary>
public static class RoutingBench
{
    public static readonly int[] Sizes = [100, 1_000, 10_000];

    public static int Run(string[] args)
    {
        var decisions = Args.Int(args, "--decisions", 200_000);
        var job = args.SkipWhile(a => a != "--job").Skip(1).FirstOrDefault() ?? "short";
        Console.WriteLine($"routing: {Environment.ProcessorCount} cores, .NET {Environment.Version}, server GC {System.Runtime.GCSettings.IsServerGC}, " +
                          $"{decisions:N0} timed decisions per size after {decisions / 10:N0} warm-up, k = 3, no price limit");
        Console.WriteLine();
        Console.WriteLine("| agents | candidates per capability | Rank p50 | p99 | p99.9 | max | naive LINQ p50 | p99 | empty loop p50 | p99 | Upsert p50 | RecordCall p50 | gen-0 GCs during Rank |");
        Console.WriteLine("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        var overhead = TimerOverhead();
        // The three sizes with 20 capabilities, then the worst case: every one of 10,000 agents offers the one capability.
        // and the adversarial order for a one-pass top k: every next agent (in id order) better than all before it.
        foreach (var (size, capabilities, ascending) in Sizes.Select(s => (s, RoutingWorld.Capabilities, false)).Append((10_000, 1, false)).Append((10_000, 1, true)))
        {
            var world = RoutingWorld.Create(size, capabilities, ascending);
            var rank = Time(decisions, i => world.Rank(i));
            var rankCollections = LastCollections;
            var naive = Time(Math.Max(decisions / 10, 1_000), i => world.Naive(i));
            var scan = Time(decisions, i => world.Scan(i));
            var upsert = Time(2_000, i => world.Update(i), warmUp: 200);
            var record = Time(20_000, i => world.Record(i));
            Console.WriteLine($"| {size:N0}{(capabilities == 1 ? ", 1 capability" : "")}{(ascending ? ", scores ascending by id" : "")} | {world.MeanCandidates:N0} | {Us(rank, 0.50)} | {Us(rank, 0.99)} | {Us(rank, 0.999)} | {Us(rank, 1)} | " +
                              $"{Us(naive, 0.50)} | {Us(naive, 0.99)} | {Us(scan, 0.50)} | {Us(scan, 0.99)} | {Us(upsert, 0.50)} | {Us(record, 0.50)} | {rankCollections} |");
        }
        Console.WriteLine();
        Console.WriteLine($"(timer overhead, two Stopwatch.GetTimestamp with nothing between: p50 {Us(overhead, 0.5)}, p99 {Us(overhead, 0.99)}; included above)");

        if (job != "none")
        {
            var config = DefaultConfig.Instance.AddJob(job == "short" ? Job.ShortRun : Job.Default);
            BenchmarkRunner.Run<RoutingBenchmarks>(config);
        }
        return 0;
    }

    /// <summary>Per-operation elapsed Stopwatch ticks, sorted, after a warm-up of a tenth as many and at least one second
    /// (tiered compilation promotes hot methods only after 100 ms without new tier-0 code: a shorter warm-up measures
    /// unoptimized code).</summary>
    private static long[] Time(int count, Func<int, int> operation, int? warmUp = null)
    {
        var sink = 0;
        var warmUpStart = Stopwatch.GetTimestamp();
        for (var i = 0; i < (warmUp ?? count / 10) || Stopwatch.GetElapsedTime(warmUpStart) < TimeSpan.FromSeconds(1); i++) sink += operation(i);
        var collections = GC.CollectionCount(0);
        var ticks = new long[count];
        for (var i = 0; i < count; i++)
        {
            var start = Stopwatch.GetTimestamp();
            sink += operation(i);
            ticks[i] = Stopwatch.GetTimestamp() - start;
        }
        GC.KeepAlive(sink);
        LastCollections = GC.CollectionCount(0) - collections;
        Array.Sort(ticks);
        return ticks;
    }

    /// <summary>Gen-0 collections during the last <see cref="Time"/>.</summary>
    private static int LastCollections;

    private static long[] TimerOverhead()
    {
        var ticks = new long[200_000];
        for (var i = 0; i < ticks.Length; i++)
        {
            var start = Stopwatch.GetTimestamp();
            ticks[i] = Stopwatch.GetTimestamp() - start;
        }
        Array.Sort(ticks);
        return ticks;
    }

    private static string Us(long[] sorted, double quantile)
    {
        var index = Math.Min(sorted.Length - 1, (int)Math.Ceiling(quantile * sorted.Length) - 1);
        var us = sorted[Math.Max(index, 0)] * 1e6 / Stopwatch.Frequency;
        return us < 10 ? $"{us:F2} µs" : us < 1000 ? $"{us:F1} µs" : $"{us / 1000:F2} ms";
    }
}

/// <summary>One index of <c>size</c> agents and the same candidates as plain arrays, for the router and its baselines.</summary>
public sealed class RoutingWorld
{
    public const int Capabilities = 20;

    private readonly AgentIndex _index = new(RoutingWeights.Default);
    private readonly string[] _capabilities;
    private readonly AgentCandidate[][] _byCapability;
    private readonly AgentCandidate[] _agents;
    private readonly Random _random = new(7);

    private RoutingWorld(int size, int capabilities, bool ascending)
    {
        _capabilities = [.. Enumerable.Range(0, capabilities).Select(c => $"cap-{c:D2}")];
        var random = new Random(size);
        var provider = Address.Parse("0x1111111111111111111111111111111111111111");
        _agents = [.. Enumerable.Range(0, size).Select(i => new AgentCandidate(
            $"agent-{i:D5}", provider,
            [.. _capabilities.OrderBy(_ => random.Next()).Take(random.Next(1, Math.Min(3, capabilities) + 1))],
            "http", $"https://agent-{i}.example/run", "",
            (ulong)random.Next(1, 1_000), (uint)random.Next(200, 2_000), (ushort)random.Next(9_000, 9_901),
            (uint)random.Next(0, 1_000_001), Listed: true))];
        if (ascending) // same price and SLA, no calls, reputation rising with the id: each candidate beats all before it
            _agents = [.. _agents.Select((a, i) => a with { PricePerCall = 100, SlaP95LatencyMs = 1_000, SlaSuccessRateBps = 9_500, ReputationScore = (uint)(i * 100) })];
        _index.UpsertAll(_agents);
        foreach (var agent in _agents.Where((_, i) => i % 2 == 0 && !ascending))
            for (var c = 0; c < RoutingWeights.Default.WindowCalls; c++)
                _index.RecordCall(agent.AgentId, random.Next(100) < 97, TimeSpan.FromMilliseconds(random.Next(50, 1_500)));
        _byCapability = [.. _capabilities.Select(c => _agents.Where(a => a.Capabilities.Contains(c)).ToArray())];
    }

    /// <summary><paramref name="size"/> Listed agents, each offering 1–3 of <paramref name="capabilities"/> capabilities.</summary>
    public static RoutingWorld Create(int size, int capabilities = Capabilities, bool ascending = false) => new(size, capabilities, ascending);

    public double MeanCandidates => _byCapability.Average(c => c.Length);

    /// <summary>One routing decision for the i-th capability in turn.</summary>
    public int Rank(int i) => _index.Rank(_capabilities[i % _capabilities.Length], UInt128.MaxValue).Count;

    /// <summary>Baseline: the naive way — score every candidate (reputation, declared success, price) with LINQ and sort them all.</summary>
    public int Naive(int i)
    {
        var candidates = _byCapability[i % _byCapability.Length];
        return candidates
            .Where(a => a.Listed && a.PricePerCall <= UInt128.MaxValue)
            .Select(a => new RankedAgent(a, 0.4 * (a.ReputationScore / 1e6) + 0.3 * (a.SlaSuccessRateBps / 1e4) - 0.2 * ((double)a.PricePerCall / 1_000)))
            .OrderByDescending(r => r.Score)
            .ThenBy(r => r.Agent.AgentId, StringComparer.Ordinal)
            .Take(3)
            .Count();
    }

    /// <summary>Baseline: the floor — one empty pass over the candidate array (reading one field of each).</summary>
    public int Scan(int i)
    {
        var candidates = _byCapability[i % _byCapability.Length];
        var sum = 0u;
        foreach (var a in candidates) sum += a.ReputationScore;
        return (int)sum;
    }

    /// <summary>A writer's operation: one agent's profile replaced (copy-on-write of its capabilities' arrays).</summary>
    public int Update(int i)
    {
        var agent = _agents[i * 7919 % _agents.Length];
        _index.Upsert(agent with { PricePerCall = (ulong)(i % 997 + 1) });
        return 0;
    }

    /// <summary>A writer's operation: one call's outcome recorded.</summary>
    public int Record(int i)
    {
        _index.RecordCall(_agents[i % _agents.Length].AgentId, _random.Next(100) < 97, TimeSpan.FromMilliseconds(_random.Next(50, 1_500)));
        return 0;
    }
}

[MemoryDiagnoser]
public class RoutingBenchmarks
{
    private RoutingWorld _world = null!;
    private int _i;

    [Params(100, 1_000, 10_000)]
    public int Agents { get; set; }

    [GlobalSetup]
    public void Setup() => _world = RoutingWorld.Create(Agents);

    [Benchmark(Description = "AgentIndex.Rank (k = 3)")]
    public int Rank() => _world.Rank(_i++);

    [Benchmark(Baseline = true, Description = "baseline: naive LINQ sort of the candidates")]
    public int Naive() => _world.Naive(_i++);

    [Benchmark(Description = "baseline: empty loop over the candidates")]
    public int Scan() => _world.Scan(_i++);
}
