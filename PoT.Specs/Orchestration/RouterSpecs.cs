using System.Collections.Immutable;
using Akka.Configuration;
using FsCheck;
using FsCheck.Fluent;
using PoT.Hosting;
using PoT.Orchestration;
using Xunit;

namespace PoT.Specs.Orchestration;

/// <summary>The MetaSuperAgent's router (<see cref="AgentIndex"/>): score order, hard filters, the SLA window,
/// determinism, and agreement with a naive sort over random agents.</summary>
public sealed class RouterSpecs
{
    private static readonly Address Provider = Address.Parse("0x1111111111111111111111111111111111111111");
    private static readonly UInt128 AnyPrice = UInt128.MaxValue;

    private static AgentCandidate Agent(string id, uint reputation = 500_000, ulong price = 10, string[]? capabilities = null, bool listed = true,
        uint slaP95Ms = 1_000, ushort slaSuccessBps = 9_000) =>
        new(id, Provider, [.. capabilities ?? ["answer"]], "http", $"https://{id}.example/run", "", price, slaP95Ms, slaSuccessBps, reputation, listed);

    private static AgentIndex Index(params AgentCandidate[] agents)
    {
        var index = new AgentIndex(RoutingWeights.Default);
        foreach (var agent in agents) index.Upsert(agent);
        return index;
    }

    private static string[] Ids(IReadOnlyList<RankedAgent> ranked) => [.. ranked.Select(r => r.Agent.AgentId)];

    private static void Calls(AgentIndex index, string agentId, int count, bool success, int latencyMs = 100)
    {
        for (var i = 0; i < count; i++) index.RecordCall(agentId, success, TimeSpan.FromMilliseconds(latencyMs));
    }

    [Fact]
    public void At_equal_price_the_higher_reputation_wins()
    {
        var index = Index(Agent("low", reputation: 300_000), Agent("high", reputation: 900_000), Agent("mid", reputation: 600_000));

        Assert.Equal(["high", "mid", "low"], Ids(index.Rank("answer", AnyPrice)));
    }

    [Fact]
    public void At_equal_reputation_the_cheaper_wins()
    {
        var index = Index(Agent("dear", price: 100), Agent("cheap", price: 10), Agent("free", price: 0));

        Assert.Equal(["free", "cheap", "dear"], Ids(index.Rank("answer", AnyPrice)));
    }

    [Fact]
    public void The_score_is_the_documented_formula()
    {
        var index = Index(Agent("cold", reputation: 800_000, price: 50, slaSuccessBps: 9_500), Agent("warm", reputation: 400_000, price: 100, slaP95Ms: 200),
            Agent("dear", price: 200));
        index.RecordCall("warm", true, TimeSpan.FromMilliseconds(100));
        index.RecordCall("warm", false, TimeSpan.FromMilliseconds(150));

        var scores = index.Rank("answer", AnyPrice).ToDictionary(r => r.Agent.AgentId, r => r.Score);

        // No recent calls: the declared success rate, no latency term. Price over the dearest listed price (200).
        Assert.Equal(0.4 * 0.8 + 0.3 * 0.95 - 0.2 * 0.25, scores["cold"], 12);
        // Recent calls: 1 of 2 succeeded, p95 of {100 ms, 150 ms} = 150 ms against 200 ms declared.
        Assert.Equal(0.4 * 0.4 + 0.3 * 0.5 - 0.2 * 0.5 - 0.1 * 0.75, scores["warm"], 12);
    }

    [Fact]
    public void Agents_priced_above_the_maximum_are_skipped()
    {
        var index = Index(Agent("a", price: 5), Agent("b", price: 10), Agent("c", price: 11));

        Assert.Equal(["a", "b"], Ids(index.Rank("answer", 10)));
        Assert.Empty(index.Rank("answer", 4));
    }

    [Fact]
    public void An_agent_below_its_declared_success_rate_after_enough_calls_is_skipped_until_the_window_recovers()
    {
        var index = Index(Agent("flaky", reputation: 900_000, slaSuccessBps: 9_000), Agent("steady", reputation: 100_000));
        var weights = RoutingWeights.Default;

        Calls(index, "flaky", weights.MinCallsForSla - 1, success: false);
        Assert.Contains("flaky", Ids(index.Rank("answer", AnyPrice)));   // too few calls to judge
        Calls(index, "flaky", 1, success: false);
        Assert.Equal(["steady"], Ids(index.Rank("answer", AnyPrice)));

        Calls(index, "flaky", weights.WindowCalls - 3, success: true);   // the last 20 calls: 3 failures, 17 successes = 85 %
        Assert.Equal(["steady"], Ids(index.Rank("answer", AnyPrice)));
        Calls(index, "flaky", 1, success: true);   // 2 failures, 18 successes = 90 %: the declared rate, met again
        Assert.Equal(["flaky", "steady"], Ids(index.Rank("answer", AnyPrice)));
    }

    [Fact]
    public void An_agent_above_its_declared_p95_latency_after_enough_calls_is_skipped_until_the_window_recovers()
    {
        var index = Index(Agent("slow", reputation: 900_000, slaP95Ms: 500), Agent("steady", reputation: 100_000));
        var weights = RoutingWeights.Default;

        Calls(index, "slow", weights.MinCallsForSla, success: true, latencyMs: 800);
        Assert.Equal(["steady"], Ids(index.Rank("answer", AnyPrice)));

        // p95 is the ⌈0.95·20⌉ = 19th of 20: it stays above 500 ms while two slow calls remain in the window.
        Calls(index, "slow", weights.WindowCalls - 2, success: true, latencyMs: 100);
        Assert.Equal(["steady"], Ids(index.Rank("answer", AnyPrice)));
        Calls(index, "slow", 1, success: true, latencyMs: 100);   // 19 fast, 1 slow: p95 = 100 ms
        Assert.Equal(["slow", "steady"], Ids(index.Rank("answer", AnyPrice)));
        Assert.Equal((20, 20, TimeSpan.FromMilliseconds(100)), index.Recent("slow"));
    }

    [Fact]
    public void Excluded_agents_are_skipped()
    {
        var index = Index(Agent("a", reputation: 900_000), Agent("b", reputation: 800_000), Agent("c", reputation: 700_000), Agent("d", reputation: 600_000));

        Assert.Equal(["b", "d"], Ids(index.Rank("answer", AnyPrice, id => id is "a" or "c")));
    }

    [Fact]
    public void An_agent_no_longer_listed_or_removed_leaves_routing()
    {
        var index = Index(Agent("a", capabilities: ["answer", "verify"]), Agent("b"));

        index.Upsert(Agent("a", capabilities: ["answer", "verify"], listed: false));
        Assert.Equal(["b"], Ids(index.Rank("answer", AnyPrice)));
        Assert.False(index.Offers("verify"));
        Assert.Equal((2, 1), (index.Count, index.ListedCount));

        index.Upsert(Agent("a", capabilities: ["answer", "verify"]));
        Assert.True(index.Offers("verify"));
        index.Remove("b");
        Assert.Equal(["a"], Ids(index.Rank("answer", AnyPrice)));
        Assert.Equal((1, 1), (index.Count, index.ListedCount));
        Assert.Null(index.Recent("b"));
    }

    [Fact]
    public void A_profile_update_moves_the_agent_between_capabilities_and_keeps_its_recent_calls()
    {
        var index = Index(Agent("a", capabilities: ["answer"]));
        Calls(index, "a", 3, success: true);

        index.Upsert(Agent("a", capabilities: ["verify"]));

        Assert.False(index.Offers("answer"));
        Assert.Equal(["a"], Ids(index.Rank("verify", AnyPrice)));
        Assert.Equal(3, index.Recent("a")!.Value.Calls);
    }

    [Fact]
    public void Equal_scores_are_ranked_by_agent_id_whatever_the_order_of_registration()
    {
        var one = Index(Agent("b"), Agent("c"), Agent("a"), Agent("d"));
        var other = Index(Agent("d"), Agent("a"), Agent("c"), Agent("b"));

        Assert.Equal(["a", "b", "c"], Ids(one.Rank("answer", AnyPrice)));
        Assert.Equal(["a", "b", "c"], Ids(other.Rank("answer", AnyPrice)));
        Assert.Equal(["a", "b", "c", "d"], Ids(one.Rank("answer", AnyPrice, k: 10)));
    }

    [Fact]
    public void More_agents_than_fit_on_the_stack_can_be_asked_for()
    {
        var index = Index([.. Enumerable.Range(0, 50).Select(i => Agent($"agent-{i:D2}", reputation: (uint)(i * 10_000)))]);

        var ranked = index.Rank("answer", AnyPrice, k: 40);

        Assert.Equal([.. Enumerable.Range(10, 40).Reverse().Select(i => $"agent-{i:D2}")], Ids(ranked));
    }

    [Fact]
    public void A_reputation_change_takes_effect_at_once_and_shows_in_the_result()
    {
        var index = Index(Agent("a", reputation: 500_000), Agent("b", reputation: 600_000));

        index.SetReputation("a", 700_000);

        var ranked = index.Rank("answer", AnyPrice);
        Assert.Equal(["a", "b"], Ids(ranked));
        Assert.Equal(700_000u, ranked[0].Agent.ReputationScore);
    }

    [Fact]
    public void Nothing_is_ranked_for_an_unknown_capability_or_k_of_zero()
    {
        var index = Index(Agent("a"));

        Assert.Empty(index.Rank("paint", AnyPrice));
        Assert.Empty(index.Rank("answer", AnyPrice, k: 0));
        Assert.False(index.Offers("paint"));
        index.RecordCall("ghost", true, TimeSpan.Zero);   // unknown agents are ignored
        index.SetReputation("ghost", 1);
    }

    [Fact]
    public void Routing_weights_bind_from_hocon_and_refuse_bad_values()
    {
        var pot = PotConfig.Embedded("pot.conf").GetConfig("pot");
        Assert.Equal(RoutingWeights.Default, RoutingWeights.FromConfig(pot));

        foreach (var bad in new[] { "price-bps = 10001", "latency-bps = -1", "window-calls = 0", "min-calls-for-sla = 21", "window-calls = 100000", "decay-interval = 50ms", "decay-interval = soon" })
            Assert.Throws<ConfigurationException>(() =>
                RoutingWeights.FromConfig(ConfigurationFactory.ParseString($"pot.orchestration.routing.{bad}").WithFallback(PotConfig.Embedded("pot.conf")).GetConfig("pot")));
    }

    [Fact]
    public async Task Readers_rank_while_the_writer_changes_the_index()
    {
        var index = new AgentIndex(RoutingWeights.Default);
        using var stop = new CancellationTokenSource();
        var readers = Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
        {
            var ranks = 0;
            while (!stop.IsCancellationRequested || ranks == 0)
            {
                var ranked = index.Rank("answer", AnyPrice, k: 5);
                Assert.True(ranked.Count <= 5);
                for (var i = 1; i < ranked.Count; i++) Assert.True(ranked[i - 1].Score >= ranked[i].Score);
                ranks++;
            }
            return ranks;
        })).ToArray();

        for (var i = 0; i < 2_000; i++)
        {
            var id = $"agent-{i % 300:D3}";
            index.Upsert(Agent(id, reputation: (uint)(i * 7919 % 1_000_000), listed: i % 7 != 0));
            index.RecordCall(id, i % 3 != 0, TimeSpan.FromMilliseconds(i % 900));
            if (i % 11 == 0) index.Remove($"agent-{i * 13 % 300:D3}");
        }
        await stop.CancelAsync();

        Assert.All(await Task.WhenAll(readers), ranks => Assert.True(ranks > 0));
    }

    [Fact]
    public void Rank_equals_a_naive_sort_over_random_agents()
    {
        Check.One(FsCheck.Config.QuickThrowOnFailure.WithMaxTest(500), Prop.ForAll(Gen.Choose(0, int.MaxValue).ToArbitrary(), seed => Scenario(seed)));
    }

    /// <summary>The same with three agents, so each gets many calls: windows fill, breach, decay, go half-open, are
    /// probed and trip again.</summary>
    [Fact]
    public void Rank_equals_a_naive_sort_through_breaches_decays_and_probes()
    {
        Check.One(FsCheck.Config.QuickThrowOnFailure.WithMaxTest(500), Prop.ForAll(Gen.Choose(0, int.MaxValue).ToArbitrary(), seed => Scenario(seed, ids: 3)));
    }

    /// <summary>Random agents (few distinct reputations and prices, so ties happen), random calls, decays, removals and
    /// reputation changes; then every capability ranked under random filters, against <see cref="Naive"/>.</summary>
    private static bool Scenario(int seed, int ids = 60)
    {
        var random = new Random(seed);
        var weights = new RoutingWeights(random.Next(0, 10_001), random.Next(0, 10_001), random.Next(0, 10_001), random.Next(0, 10_001),
            random.Next(1, 12), 1, TimeSpan.FromSeconds(30));
        weights = weights with { MinCallsForSla = random.Next(1, weights.WindowCalls + 1) };
        var index = new AgentIndex(weights);
        string[] capabilities = ["a", "b", "c", "d"];
        var agents = new Dictionary<string, AgentCandidate>();
        var calls = new Dictionary<string, Window>();

        for (var op = 0; op < random.Next(1, 300); op++)
        {
            var id = $"agent-{random.Next(ids):D2}";
            switch (random.Next(10))
            {
                case < 4:
                    var agent = new AgentCandidate(id, Provider, [.. capabilities.Where(_ => random.Next(2) == 0)], "http", "https://x.example", "",
                        (ulong)random.Next(0, 4) * 25, (uint)random.Next(0, 4) * 100, (ushort)(random.Next(0, 5) * 2_500), (uint)random.Next(0, 3) * 500_000,
                        random.Next(5) != 0);
                    index.Upsert(agent);
                    if (!agents.ContainsKey(id)) calls[id] = new Window();
                    agents[id] = agent;
                    break;
                case 4:
                    index.Remove(id);
                    agents.Remove(id);
                    calls.Remove(id);
                    break;
                case 5:
                    var score = (uint)random.Next(0, 3) * 500_000;
                    index.SetReputation(id, score);
                    if (agents.TryGetValue(id, out var known)) agents[id] = known with { ReputationScore = score };
                    break;
                case 6:
                    index.Decay();
                    foreach (var (agentId, window) in calls) window.Decay(weights, agents[agentId]);
                    break;
                default:
                    // Mostly a few round latencies (so that agents tie), sometimes any number of ticks.
                    var latency = random.Next(5) == 0 ? TimeSpan.FromTicks(random.Next(0, 4_000_000)) : TimeSpan.FromMilliseconds(random.Next(0, 4) * 100);
                    var success = random.Next(6) != 0;
                    index.RecordCall(id, success, latency);
                    if (calls.TryGetValue(id, out var list)) list.Record(weights, success, latency.Ticks / TimeSpan.TicksPerMicrosecond);
                    break;
            }
        }

        foreach (var capability in capabilities)
        {
            var maxPrice = (UInt128)(ulong)random.Next(0, 5) * 25;
            var excluded = agents.Keys.Where(_ => random.Next(4) == 0).ToHashSet();
            var k = random.Next(0, 8);
            var expected = Naive(weights, agents.Values, calls, capability, maxPrice, excluded.Contains, k);
            var actual = index.Rank(capability, maxPrice, excluded.Contains, k);
            if (!expected.Select(r => (r.Agent, r.Score)).SequenceEqual(actual.Select(r => (r.Agent, r.Score))))
                return false;
            if (index.Offers(capability) != agents.Values.Any(a => a.Listed && a.Capabilities.Contains(capability)))
                return false;
        }
        return true;
    }

    /// <summary>The reference model of an agent's recent window (docs/orchestration.md, "Decay and probes"): every call
    /// it got, how many of the last ones the window holds, whether it was called since the last decay, half-open, tripped.</summary>
    private sealed class Window
    {
        private readonly List<(bool Success, long Us)> _all = [];
        private int _n;
        private bool _called, _halfOpen, _tripped;

        public List<(bool Success, long Us)> Calls => _all.TakeLast(_n).ToList();

        public bool HalfOpen => _halfOpen;

        public void Record(RoutingWeights w, bool success, long us)
        {
            _called = true;
            if (_halfOpen)
            {
                _halfOpen = false;
                if (success) _n = 0;
                else _tripped = true;
            }
            _all.Add((success, us));
            _n = Math.Min(_n + 1, w.WindowCalls);
        }

        public void Decay(RoutingWeights w, AgentCandidate a)
        {
            var was = Breached(w, a);
            var changed = _tripped;
            _tripped = false;
            if (_called) _called = false;
            else if (_n > 0)
            {
                _n--;
                changed = true;
            }
            if (changed && was && !Breached(w, a)) _halfOpen = true;
        }

        public bool Breached(RoutingWeights w, AgentCandidate a)
        {
            if (_tripped) return true;
            var window = Calls;
            if (_halfOpen || window.Count < w.MinCallsForSla) return false;
            var successes = window.Count(c => c.Success);
            var p95 = window.Select(c => c.Us).Order().ElementAt((95 * window.Count + 99) / 100 - 1);
            return successes * 10_000L < a.SlaSuccessRateBps * (long)window.Count || p95 > Math.Max(a.SlaP95LatencyMs, 1u) * 1000L;
        }
    }

    /// <summary>The reference: docs/orchestration.md's formula and filters, computed for every candidate, then a full sort.</summary>
    private static List<RankedAgent> Naive(RoutingWeights w, IEnumerable<AgentCandidate> agents, Dictionary<string, Window> calls,
        string capability, UInt128 maxPrice, Func<string, bool> excluded, int k)
    {
        var offering = agents.Where(a => a.Listed && a.Capabilities.Contains(capability)).ToList();
        var dearest = offering.Select(a => a.PricePerCall).DefaultIfEmpty(UInt128.Zero).Max();
        var ranked = new List<RankedAgent>();
        foreach (var a in offering.Where(a => a.PricePerCall <= maxPrice && !excluded(a.AgentId)))
        {
            var model = calls[a.AgentId];
            var window = model.Calls;
            var declaredP95Us = Math.Max(a.SlaP95LatencyMs, 1u) * 1000L;
            double success, latency;
            if (model.Breached(w, a)) continue;
            if (window.Count == 0 || model.HalfOpen)
            {
                success = a.SlaSuccessRateBps / 10_000.0;
                latency = 0;
            }
            else
            {
                var successes = window.Count(c => c.Success);
                var p95 = window.Select(c => c.Us).Order().ElementAt((95 * window.Count + 99) / 100 - 1);
                success = successes / (double)window.Count;
                latency = p95 / (double)declaredP95Us;
            }
            var share = dearest == UInt128.Zero ? 0 : (double)a.PricePerCall / (double)dearest;
            // The order of evaluation of AgentIndex (the agent's part, then the capability's price term): equal to the bit.
            var score = w.ReputationBps / 10_000.0 * (a.ReputationScore / 1e6) + w.SuccessBps / 10_000.0 * success - w.LatencyBps / 10_000.0 * latency
                        - w.PriceBps / 10_000.0 * share;
            ranked.Add(new RankedAgent(a, score));
        }
        return [.. ranked.OrderByDescending(r => r.Score).ThenBy(r => r.Agent.AgentId, StringComparer.Ordinal).Take(k)];
    }
}
