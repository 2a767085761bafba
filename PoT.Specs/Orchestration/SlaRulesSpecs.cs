using PoT.Hosting;
using PoT.Orchestration;
using PoT.Persistence;
using PoT.Registry;
using PoT.Specs.Support;
using Xunit;

namespace PoT.Specs.Orchestration;

/// <summary>An agent's SLA windows: measured against what it declared; a breach compensates the users it failed.</summary>
public sealed class SlaRulesSpecs
{
    private static readonly TaskOptions Options = PotConfig.Load().Tasks with { SlaWindowCalls = 4, SlaCompensationBps = 500 };

    /// <summary>Declares p95 ≤ 100 ms and 75 % success.</summary>
    private static readonly AgentState Agent = AgentState.Empty("a1") with
    {
        Provider = Keys.Bob.Address,
        Status = AgentStatus.Listed,
        Profile = new AgentProfile(["answer"], "http", "http://127.0.0.1:1/", "", 10, 100, 7500)
    };

    private static AgentState Feed(AgentState agent, params (PoT.Protocol.Address User, bool Success, long Latency)[] calls)
    {
        var ordering = 100L;
        foreach (var (user, success, latency) in calls)
        {
            var decision = Assert.IsType<Decision.Accept>(SlaRules.Record(agent, new RecordAgentCall("a1", "t", user, success, latency, new RelayStamp(ordering++, 0)),
                Options));
            agent = decision.Events.Aggregate(agent, (s, e) => s.Apply(e, PotConfig.Load().Registry));
        }
        return agent;
    }

    [Fact]
    public void A_window_within_the_declared_sla_is_met()
    {
        var agent = Feed(Agent, (Keys.Alice.Address, true, 40), (Keys.Alice.Address, true, 90), (Keys.Carol.Address, false, 10), (Keys.Carol.Address, true, 60));
        Assert.Equal((1, 0), (agent.Sla!.Windows, agent.Sla.Breaches));
        Assert.Empty(agent.Sla.Window);
    }

    [Fact]
    public void A_breach_pays_the_users_whose_calls_failed_or_were_slow_from_the_agents_stake()
    {
        var decided = new List<PotEvent>();
        var agent = Agent;
        var ordering = 100L;
        foreach (var (user, success, latency) in new[]
                 {
                     (Keys.Alice.Address, false, 10L), (Keys.Carol.Address, true, 500L), (Keys.Alice.Address, false, 10L), (Keys.Mallory.Address, true, 20L)
                 })
        {
            var call = new RecordAgentCall("a1", "t", user, success, latency, new RelayStamp(ordering++, 0), success ? 10u : 0u);
            var d = Assert.IsType<Decision.Accept>(SlaRules.Record(agent, call, Options));
            decided.AddRange(d.Events);
            agent = d.Events.Aggregate(agent, (s, e) => s.Apply(e, PotConfig.Load().Registry));
        }

        var breach = Assert.IsType<SlaBreached>(decided[^1]);
        Assert.Equal(5000u, breach.SuccessRateBps);
        Assert.Equal(500, breach.P95LatencyMs);
        Assert.Contains("success rate", breach.Reason);
        Assert.Contains("p95 latency", breach.Reason);
        Assert.Equal([new PoT.Consensus.Weighted(Keys.Alice.Address, 2), new PoT.Consensus.Weighted(Keys.Carol.Address, 1)],
            breach.Affected.OrderBy(w => w.To.Value, StringComparer.Ordinal).ToArray());
        // Each affected user's share is capped by what it paid the agent in the window (compensation-cap-bps 10000 = 1×):
        // Carol paid for her slow call, Alice's failed calls paid nothing.
        Assert.Equal([new PoT.Consensus.Payout(Keys.Alice.Address, 0), new PoT.Consensus.Payout(Keys.Carol.Address, 10)], breach.Caps.ToArray());
        var slash = Assert.IsType<PoT.Ledger.SlashStake>(Assert.Single(breach.Deliveries(new OutboxSource("agent-a1", 500))).Message);
        Assert.Equal((Keys.Bob.Address, "a1", 500, 0, "sla-compensation"), (slash.Account, slash.AgentId!, slash.FractionBps, slash.BurnBps, slash.Reason));
        Assert.Equal(breach.Caps.ToArray(), slash.Caps.ToArray());
        Assert.Equal(1, agent.Sla!.Breaches);
    }

    [Fact]
    public void The_providers_own_calls_and_calls_after_deregistration_are_not_counted()
    {
        var self = new RecordAgentCall("a1", "t", Keys.Bob.Address, true, 10, new RelayStamp(7, 0), 10);
        Assert.IsType<Decision.AlreadyDone>(SlaRules.Record(Agent, self, Options));
        var gone = Agent with { Status = AgentStatus.Deregistered };
        Assert.IsType<Decision.AlreadyDone>(SlaRules.Record(gone, self with { User = Keys.Alice.Address }, Options));
    }

    [Fact]
    public void A_deregistration_measures_the_open_window_as_if_it_were_full()
    {
        Assert.Null(SlaRules.CloseOnDeregistration(Agent, Options));
        var agent = Feed(Agent, (Keys.Alice.Address, true, 40), (Keys.Carol.Address, false, 10));

        var closed = SlaRules.CloseOnDeregistration(agent, Options);

        var breach = Assert.IsType<SlaBreached>(closed);
        Assert.Equal((1, 2, 1, 5000u), (breach.Window, breach.Calls, breach.Successes, breach.SuccessRateBps));
    }

    [Fact]
    public void A_redelivered_call_is_counted_once()
    {
        var call = new RecordAgentCall("a1", "t", Keys.Alice.Address, true, 10, new RelayStamp(7, 0));
        var once = Assert.IsType<Decision.Accept>(SlaRules.Record(Agent, call, Options));
        var agent = once.Events.Aggregate(Agent, (s, e) => s.Apply(e, PotConfig.Load().Registry));
        Assert.IsType<Decision.AlreadyDone>(SlaRules.Record(agent, call, Options));
    }
}
