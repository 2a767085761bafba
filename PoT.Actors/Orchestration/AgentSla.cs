using System.Collections.Immutable;
using PoT.Consensus;
using PoT.Ledger;
using PoT.Persistence;
using PoT.Protocol;
using PoT.Registry;
using static PoT.Persistence.Decision;

namespace PoT.Orchestration;

/// <summary>One call of an agent as its SLA window counts it: who paid, whether it succeeded, how long it took, and what
/// it paid the agent (the price of a successful call; 0 for a failed one, and for samples of older nodes).</summary>
public sealed record SlaSample(Address User, bool Success, long LatencyMs, UInt128 Paid = default);

/// <summary>An agent's SLA bookkeeping (kept in its entity): the open window of calls, windows closed, breaches.</summary>
public sealed record AgentSla(ImmutableList<SlaSample> Window, int Windows, int Breaches, RelayStamp Watermark)
{
    public static readonly AgentSla Empty = new([], 0, 0, RelayStamp.None);

    public AgentSla Apply(PotEvent e) => e switch
    {
        AgentCallRecorded c => this with { Window = Window.Add(new SlaSample(c.User, c.Success, c.LatencyMs, c.Paid)), Watermark = c.Stamp },
        SlaWindowClosed closed => this with { Window = [], Windows = Windows + 1, Breaches = closed is SlaBreached ? Breaches + 1 : Breaches },
        _ => this
    };
}

/// <summary>A call reported by a task, counted in the agent's SLA window (tag: tasks). <paramref name="Paid"/>: what the
/// user paid the agent for it (absent in events of older nodes: 0).</summary>
[Manifest("agent-call-recorded.v1")]
public sealed record AgentCallRecorded(string TaskId, Address User, bool Success, long LatencyMs, RelayStamp Stamp, UInt128 Paid = default)
    : PotEvent, ITaskEvent;

/// <summary>A full window of calls measured against the SLA the agent declared.</summary>
public abstract record SlaWindowClosed(int Window, int Calls, int Successes, uint SuccessRateBps, long P95LatencyMs) : PotEvent, ITaskEvent;

[Manifest("sla-window-met.v1")]
public sealed record SlaWindowMet(int Window, int Calls, int Successes, uint SuccessRateBps, long P95LatencyMs)
    : SlaWindowClosed(Window, Calls, Successes, SuccessRateBps, P95LatencyMs);

/// <summary>The window broke the declared SLA: <paramref name="CompensationBps"/> of the agent's stake (its unbonding stake
/// included) is due to the users whose calls failed or were slower than declared, by how many of theirs were, each at
/// most its cap in <paramref name="Caps"/> (pot.tasks.sla.compensation-cap-bps of what it paid the agent in the window);
/// the provider's account takes from the stake only what it pays. Caps absent (events of older nodes): uncapped.</summary>
[Manifest("sla-breached.v1")]
public sealed record SlaBreached(
    int Window,
    int Calls,
    int Successes,
    uint SuccessRateBps,
    long P95LatencyMs,
    string Reason,
    Address Provider,
    int CompensationBps,
    ImmutableArray<Weighted> Affected,
    ImmutableArray<Payout> Caps = default) : SlaWindowClosed(Window, Calls, Successes, SuccessRateBps, P95LatencyMs), IOutboxEvent
{
    public ImmutableArray<Payout> Caps { get; init; } = Caps.IsDefault ? [] : Caps;

    public IEnumerable<OutboxDelivery> Deliveries(OutboxSource source)
    {
        var agentId = source.PersistenceId[(EntityIds.Prefix(EntityKind.Agent).Length + 1)..];
        yield return new OutboxDelivery(EntityKind.Account, Provider.Value,
            new SlashStake(Provider, agentId, CompensationBps, 0, Affected, "sla-compensation", source.Stamp(0), Caps));
    }
}

/// <summary>The SLA rule (pure): record the call; when the window is full, measure it against the declared SLA.</summary>
public static class SlaRules
{
    private static readonly CommandAccepted Acknowledged = new("", []);

    /// <summary>Records a call a task reported. Not counted: a redelivery, a call of an agent without a profile, a
    /// self-call (the payer is the agent's own provider: <see cref="CallCounting.IsSelfCall"/>), and calls that end after
    /// the agent was deregistered (its last window was measured then: <see cref="CloseOnDeregistration"/>). Tasks report
    /// only successes and the failures the agent caused (<see cref="StepCallFailed"/>).</summary>
    public static Decision Record(AgentState agent, RecordAgentCall call, TaskOptions options)
    {
        var sla = agent.Sla ?? AgentSla.Empty;
        if (call.Stamp <= sla.Watermark || agent.Profile is null || agent.Provider is not { } provider) return Done(Acknowledged);
        if (CallCounting.IsSelfCall(call.User, provider) || agent.Status == AgentStatus.Deregistered) return Done(Acknowledged);
        var recorded = new AgentCallRecorded(call.TaskId, call.User, call.Success, call.LatencyMs, call.Stamp, call.Paid);
        var window = sla.Window.Add(new SlaSample(call.User, call.Success, call.LatencyMs, call.Paid));
        if (window.Count < options.SlaWindowCalls) return Emit(recorded);
        return Emit(recorded, Close(window, sla.Windows + 1, agent.Profile, provider, options));
    }

    /// <summary>When an agent is deregistered its open window, if it holds at least one call, is measured at once as if
    /// it were full — so a provider cannot escape a coming breach by leaving (the slash then reaches the stake that is
    /// unbonding). Null when there is nothing to measure.</summary>
    public static SlaWindowClosed? CloseOnDeregistration(AgentState agent, TaskOptions options) =>
        agent is { Sla.Window.Count: > 0, Profile: { } profile, Provider: { } provider }
            ? Close(agent.Sla.Window, agent.Sla.Windows + 1, profile, provider, options)
            : null;

    /// <summary>Success rate = successes / calls; p95 = the latency at rank ⌈0.95·n⌉ of the successful calls (0 when
    /// none succeeded). A call counts against the SLA when it failed or took longer than the declared p95. On a breach
    /// each affected user's weight is its number of such calls, and its cap is compensation-cap-bps of what it paid the
    /// agent in the window (its successful calls' prices): failed calls paid nothing, so causing failures earns
    /// nothing.</summary>
    public static SlaWindowClosed Close(IReadOnlyList<SlaSample> window, int number, AgentProfile declared, Address provider, TaskOptions options)
    {
        var successes = window.Count(s => s.Success);
        var rate = (uint)(successes * (long)Basis.Points / window.Count);
        var latencies = window.Where(s => s.Success).Select(s => s.LatencyMs).Order().ToList();
        var p95 = latencies.Count == 0 ? 0 : latencies[(int)Math.Ceiling(latencies.Count * 0.95) - 1];
        var reasons = new List<string>();
        if (rate < declared.SlaSuccessRateBps) reasons.Add($"success rate {rate} bps < declared {declared.SlaSuccessRateBps}");
        if (p95 > declared.SlaP95LatencyMs) reasons.Add($"p95 latency {p95} ms > declared {declared.SlaP95LatencyMs}");
        if (reasons.Count == 0) return new SlaWindowMet(number, window.Count, successes, rate, p95);
        var affected = window.Where(s => !s.Success || s.LatencyMs > declared.SlaP95LatencyMs)
            .GroupBy(s => s.User).OrderBy(g => g.Key.Value, StringComparer.Ordinal)
            .Select(g => new Weighted(g.Key, (ulong)g.Count())).ToImmutableArray();
        var caps = affected.Select(a => new Payout(a.To, Cap(window.Where(s => s.User == a.To && s.Success)
            .Aggregate(UInt128.Zero, (sum, s) => checked(sum + s.Paid)), options.SlaCompensationCapBps))).ToImmutableArray();
        return new SlaBreached(number, window.Count, successes, rate, p95, string.Join("; ", reasons), provider, options.SlaCompensationBps, affected, caps);
    }

    private static UInt128 Cap(UInt128 paid, int capBps) =>
        (UInt128)System.Numerics.BigInteger.Min((System.Numerics.BigInteger)paid * capBps / Basis.Points, UInt128.MaxValue);
}
