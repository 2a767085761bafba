using System.Collections.Immutable;
using Akka.Configuration;
using PoT.Registry;

namespace PoT.Orchestration;

/// <summary>An agent as the router sees it: its registry profile, its reputation score (millionths, docs/reputation.md)
/// and whether it is Listed (only Listed agents are routed to).</summary>
public sealed record AgentCandidate(
    string AgentId,
    Address Provider,
    ImmutableArray<string> Capabilities,
    string Adapter,
    string Endpoint,
    string Config,
    UInt128 PricePerCall,
    uint SlaP95LatencyMs,
    ushort SlaSuccessRateBps,
    uint ReputationScore,
    bool Listed)
{
    /// <summary>The candidate for a directory listing (<see cref="AgentDirectory"/>) with its reputation score.</summary>
    public static AgentCandidate From(AgentListing listing, uint reputationScore) => From(listing.AgentId, listing.Provider, listing.Profile,
        listing.Status, reputationScore);

    public static AgentCandidate From(string agentId, Address provider, AgentProfile profile, AgentStatus status, uint reputationScore) =>
        new(agentId, provider, profile.Capabilities, profile.Adapter, profile.Endpoint, profile.Config, profile.PricePerCall,
            profile.SlaP95LatencyMs, profile.SlaSuccessRateBps, reputationScore, status == AgentStatus.Listed);
}

/// <summary>One agent the router proposes for a step, with its score (docs/orchestration.md, "Routing").</summary>
public sealed record RankedAgent(AgentCandidate Agent, double Score);

/// <summary>
/// The router's parameters (hocon/pot.conf, pot.orchestration.routing). Weights are basis points (10000 = 1) of the
/// four score terms (docs/orchestration.md, "Routing"); the recent-call window is the last <paramref name="WindowCalls"/>
/// calls of each agent, and its SLA is enforced once the window holds at least <paramref name="MinCallsForSla"/>; every
/// <paramref name="DecayInterval"/> an agent nobody called forgets its oldest call (<see cref="AgentIndex.Decay"/>).
/// </summary>
public sealed record RoutingWeights(int ReputationBps, int SuccessBps, int PriceBps, int LatencyBps, int WindowCalls, int MinCallsForSla,
    TimeSpan DecayInterval)
{
    /// <summary>The same defaults as hocon/pot.conf: reputation 0.4, success 0.3, price 0.2, latency 0.1; window 20 calls,
    /// SLA enforced from 5; decay every 30 s.</summary>
    public static RoutingWeights Default { get; } = new(4000, 3000, 2000, 1000, 20, 5, TimeSpan.FromSeconds(30));

    public const int MaxWindowCalls = 10_000;

    /// <summary>Bounds of decay-interval: often enough to matter, rarely enough to be cheap (one pass over the agents).</summary>
    public static readonly TimeSpan MinDecayInterval = TimeSpan.FromMilliseconds(100), MaxDecayInterval = TimeSpan.FromDays(1);

    public static RoutingWeights FromConfig(Config pot)
    {
        var r = pot.GetConfig("orchestration.routing") ?? throw new ConfigurationException("pot.orchestration.routing is missing");
        return new RoutingWeights(Weight(r, "reputation-bps"), Weight(r, "success-bps"), Weight(r, "price-bps"), Weight(r, "latency-bps"),
            r.GetInt("window-calls"), r.GetInt("min-calls-for-sla"), Interval(r, "decay-interval")).Validated();
    }

    private static TimeSpan Interval(Config c, string key)
    {
        try
        {
            return c.GetTimeSpan(key, TimeSpan.Zero);
        }
        catch (Exception e) when (e is not ConfigurationException)
        {
            throw new ConfigurationException($"pot.orchestration.routing.{key}: {e.Message}");
        }
    }

    /// <summary>This, or a ConfigurationException naming the bad value.</summary>
    public RoutingWeights Validated()
    {
        foreach (var (name, value) in new[] { ("reputation-bps", ReputationBps), ("success-bps", SuccessBps), ("price-bps", PriceBps), ("latency-bps", LatencyBps) })
            if (value is < 0 or > PoT.Consensus.Basis.Points)
                throw new ConfigurationException($"pot.orchestration.routing.{name} must be 0..10000 basis points, not {value}");
        if (WindowCalls is < 1 or > MaxWindowCalls)
            throw new ConfigurationException($"pot.orchestration.routing.window-calls must be 1..{MaxWindowCalls}, not {WindowCalls}");
        if (MinCallsForSla < 1 || MinCallsForSla > WindowCalls)
            throw new ConfigurationException($"pot.orchestration.routing.min-calls-for-sla must be 1..window-calls, not {MinCallsForSla}");
        if (DecayInterval < MinDecayInterval || DecayInterval > MaxDecayInterval)
            throw new ConfigurationException($"pot.orchestration.routing.decay-interval must be {MinDecayInterval.TotalMilliseconds:0}ms..1d, not {DecayInterval}");
        return this;
    }

    private static int Weight(Config c, string key) => c.GetInt(key, -1);
}

/// <summary>The Planner and the router's settings together (hocon/pot.conf, pot.orchestration).</summary>
public sealed record OrchestrationOptions(PlanTemplates Templates, int MaxPlanSteps, RoutingWeights Routing)
{
    public static OrchestrationOptions FromConfig(Config pot) =>
        new(PlanTemplates.FromConfig(pot), PlanTemplates.MaxPlanSteps(pot), RoutingWeights.FromConfig(pot));
}
