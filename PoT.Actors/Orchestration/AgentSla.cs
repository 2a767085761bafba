using System.Collections.Immutable;
using PoT.Consensus;
using PoT.Ledger;
using PoT.Persistence;
using PoT.Protocol;
using PoT.Registry;
using static PoT.Persistence.Decision;

namespace PoT.Orchestration;

/// <summary>One call of an agent as its SLA window counts it.</summary>
public sealed record SlaSample(Address User, bool Success, long LatencyMs);

/// <summary>An agent's SLA bookkeeping (kept in its entity): the open window of calls, windows closed, breaches.</summary>
public sealed record AgentSla(ImmutableList<SlaSample> Window, int Windows, int Breaches, RelayStamp Watermark)
{
    public static readonly AgentSla Empty = new([], 0, 0, RelayStamp.None);

    public AgentSla Apply(PotEvent e) => e switch
    {
        AgentCallRecorded c => this with { Window = Window.Add(new SlaSample(c.User, c.Success, c.LatencyMs)), Watermark = c.Stamp },
        SlaWindowClosed closed => this with { Window = [], Windows = Windows + 1, Breaches = closed is SlaBreached ? Breaches + 1 : Breaches },
        _ => this
    };
}

/// <summary>A call reported by a task, counted in the agent's SLA window (tag: tasks).</summary>
[Manifest("agent-call-recorded.v1")]
public sealed record AgentCallRecorded(string TaskId, Address User, bool Success, long LatencyMs, RelayStamp Stamp) : PotEvent, ITaskEvent;

/// <summary>A full window of calls measured against the SLA the agent declared.</summary>
public abstract record SlaWindowClosed(int Window, int Calls, int Successes, uint SuccessRateBps, long P95LatencyMs) : PotEvent, ITaskEvent;

[Manifest("sla-window-met.v1")]
public sealed record SlaWindowMet(int Window, int Calls, int Successes, uint SuccessRateBps, long P95LatencyMs)
    : SlaWindowClosed(Window, Calls, Successes, SuccessRateBps, P95LatencyMs);

/// <summary>The window broke the declared SLA: <paramref name="CompensationBps"/> of the agent's stake is taken from the
/// provider and paid to the users whose calls failed or were slower than declared, by how many of theirs were.</summary>
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
    ImmutableArray<Weighted> Affected) : SlaWindowClosed(Window, Calls, Successes, SuccessRateBps, P95LatencyMs), IOutboxEvent
{
    public IEnumerable<OutboxDelivery> Deliveries(OutboxSource source)
    {
        var agentId = source.PersistenceId[(EntityIds.Prefix(EntityKind.Agent).Length + 1)..];
        yield return new OutboxDelivery(EntityKind.Account, Provider.Value,
            new SlashStake(Provider, agentId, CompensationBps, 0, Affected, "sla-compensation", source.Stamp(0)));
    }
}

/// <summary>The SLA rule (pure): record the call; when the window is full, measure it against the declared SLA.</summary>
public static class SlaRules
{
    private static readonly CommandAccepted Acknowledged = new("", []);

    public static Decision Record(AgentState agent, RecordAgentCall call, TaskOptions options)
    {
        var sla = agent.Sla ?? AgentSla.Empty;
        if (call.Stamp <= sla.Watermark || agent.Profile is null || agent.Provider is null) return Done(Acknowledged);
        var recorded = new AgentCallRecorded(call.TaskId, call.User, call.Success, call.LatencyMs, call.Stamp);
        var window = sla.Window.Add(new SlaSample(call.User, call.Success, call.LatencyMs));
        if (window.Count < options.SlaWindowCalls) return Emit(recorded);
        return Emit(recorded, Close(window, sla.Windows + 1, agent.Profile, agent.Provider.Value, options));
    }

    /// <summary>Success rate = successes / calls; p95 = the latency at rank ⌈0.95·n⌉ of the successful calls (0 when
    /// none succeeded). A call counts against the SLA when it failed or took longer than the declared p95.</summary>
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
        return new SlaBreached(number, window.Count, successes, rate, p95, string.Join("; ", reasons), provider, options.SlaCompensationBps, affected);
    }
}
