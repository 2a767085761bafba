using System.Collections.Immutable;
using Akka.Actor;
using Akka.Event;
using Newtonsoft.Json.Linq;
using PoT.Adapters;

namespace PoT.Orchestration;

/// <summary>
/// Runs one task (a child of its task entity, restarted by it on failure). From each state its task sends, it
/// dispatches every ready step to the best agent the router ranks for it — skipping agents already tried for that
/// step and agents whose circuit is open, and only agents whose price fits what the escrow has left — and calls it
/// through the adapter (which retries transient failures with back-off and honours Retry-After). A call that fails,
/// or outlasts the step timeout, is reported and the step falls back to the next-ranked agent; the answer of a call
/// given up on is still reported, and the task records it unpaid. It asks its task to stop when a step has no agent
/// left (NoAgent, or BudgetExhausted when agents exist but cost more than is left) or failed on too many agents.
/// Everything it decides goes through the task, which persists it first: the executor holds no state a restart
/// could lose, except calls in flight, which its task then records as interrupted.
/// </summary>
public sealed class TaskExecutor : ReceiveActor, IWithTimers
{
    private sealed record CallFinished(string StepId, int Call, string AgentId, AgentResponse Response);

    private sealed record StepTimedOut(string StepId, int Call, string AgentId);

    private readonly IActorRef _task;
    private readonly AgentIndex _index;
    private readonly IAgentAdapter _adapter;
    private readonly TaskOptions _options;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Dictionary<string, RankedAgent> _dispatching = new();
    private readonly Dictionary<(string StepId, int Call), CancellationTokenSource> _running = new();
    private readonly HashSet<(string StepId, int Call)> _given = new();
    private bool _stopping;

    public ITimerScheduler Timers { get; set; } = null!;

    public TaskExecutor(AgentIndex index, IAgentAdapter adapter, TaskOptions options)
    {
        _task = Context.Parent;
        _index = index;
        _adapter = adapter;
        _options = options;
        Receive<TaskChanged>(changed => Next(changed.State));
        Receive<IndexLoading>(_ => Next(_latest!));
        Receive<CallFinished>(OnFinished);
        Receive<StepTimedOut>(OnTimedOut);
    }

    protected override void PreStart() => _task.Tell(ExecutorReady.Instance);

    private sealed class IndexLoading
    {
        public static readonly IndexLoading Instance = new();
    }

    private TaskState? _latest;

    private void Next(TaskState state)
    {
        _latest = state;
        if (state.Phase != TaskPhase.Running || _stopping) return;
        if (!_index.Ready)
        {
            // Just after a start the router's index is still loading: "no agent" would be a guess.
            Timers.StartSingleTimer("index-loading", IndexLoading.Instance, TimeSpan.FromMilliseconds(100));
            return;
        }
        foreach (var step in state.Steps)
        {
            if (step.InFlight is not { } call || _running.ContainsKey((step.Plan.Id, call.Call)) || _given.Contains((step.Plan.Id, call.Call))) continue;
            if (_dispatching.Remove(step.Plan.Id, out var agent) && agent.Agent.AgentId == call.AgentId)
                Start(state, step, call, agent);
            else
            {
                // In flight in the journal but not here: this executor (or the node) restarted during the call.
                _given.Add((step.Plan.Id, call.Call));
                _task.Tell(new RecordCallResult(step.Plan.Id, call.Call, false, null, StepCallFailed.Interrupted,
                    "the executor restarted while the call was in flight", 0, []));
            }
        }
        // A dispatch the task refused (a race with another change) is planned again from this state.
        foreach (var stepId in _dispatching.Keys.ToList())
            if (state.Step(stepId) is not { } s || s.Done || s.InFlight is not null || !state.Ready().Contains(s))
                _dispatching.Remove(stepId);

        var reserved = _dispatching.Values.Aggregate(UInt128.Zero, (sum, a) => sum + a.Agent.PricePerCall);
        var calls = state.CallCount + _dispatching.Count;
        foreach (var step in state.Ready().Where(s => !_dispatching.ContainsKey(s.Plan.Id)))
        {
            // A call the node itself interrupted (a restart) does not count against its agent.
            var tried = step.Calls.Where(c => c.Code != StepCallFailed.Interrupted).Select(c => c.AgentId).ToHashSet(StringComparer.Ordinal);
            var last = step.Calls.LastOrDefault();
            if (tried.Count >= _options.MaxAgentsPerStep)
            {
                Stop(TaskStopReason.Failed, $"step '{step.Plan.Id}' failed on {tried.Count} agents (last: {last?.AgentId}: {last?.Code} {last?.Message})");
                return;
            }
            if (calls >= _options.MaxCalls)
            {
                Stop(TaskStopReason.Failed, $"the task reached its limit of {_options.MaxCalls} calls");
                return;
            }
            bool Excluded(string agentId) => tried.Contains(agentId) || _adapter.IsOpen(agentId);
            var available = state.Available - reserved;
            var best = _index.Rank(step.Plan.Capability, available, Excluded, 1);
            if (best.Count == 0)
            {
                var any = _index.Rank(step.Plan.Capability, UInt128.MaxValue, Excluded, 1);
                if (any.Count > 0)
                    Stop(TaskStopReason.BudgetExhausted,
                        $"step '{step.Plan.Id}' needs '{step.Plan.Capability}': the cheapest agent left asks {any[0].Agent.PricePerCall}, the escrow has {available} left");
                else if (tried.Count > 0)
                    Stop(TaskStopReason.Failed,
                        $"step '{step.Plan.Id}': no other agent offers '{step.Plan.Capability}' (last: {last?.AgentId}: {last?.Code} {last?.Message})");
                else
                    Stop(TaskStopReason.NoAgent, $"no listed agent offers '{step.Plan.Capability}' (step '{step.Plan.Id}') within its SLA and circuit");
                return;
            }
            var chosen = best[0];
            _dispatching[step.Plan.Id] = chosen;
            reserved += chosen.Agent.PricePerCall;
            calls++;
            _task.Tell(new DispatchCall(step.Plan.Id, chosen.Agent.AgentId, chosen.Agent.Provider, chosen.Agent.PricePerCall));
        }
    }

    private void Start(TaskState state, TaskStep step, TaskCall call, RankedAgent agent)
    {
        var input = new JObject
        {
            ["goal"] = state.Goal,
            ["input"] = state.Input,
            ["steps"] = new JObject(step.Plan.After.Select(a => new JProperty(a, state.Step(a)?.Output?.DeepClone())))
        };
        var request = new AgentRequest(agent.Agent.AgentId, agent.Agent.Endpoint, agent.Agent.Config, step.Plan.Capability, state.TaskId, step.Plan.Id, input);
        var cancel = new CancellationTokenSource();
        _running[(step.Plan.Id, call.Call)] = cancel;
        var (stepId, number, agentId) = (step.Plan.Id, call.Call, call.AgentId);
        _adapter.Call(request, null, cancel.Token).PipeTo(Self,
            success: response => new CallFinished(stepId, number, agentId, response),
            failure: e => new CallFinished(stepId, number, agentId,
                new AgentResponse(false, null, AgentErrorCodes.AdapterFailed, e.Message, [], TimeSpan.Zero)));
        Timers.StartSingleTimer((stepId, number), new StepTimedOut(stepId, number, agentId), _options.StepTimeout);
    }

    private void OnFinished(CallFinished f)
    {
        Timers.Cancel((f.StepId, f.Call));
        if (_running.Remove((f.StepId, f.Call), out var cancel)) cancel.Dispose();
        var r = f.Response;
        var latency = (long)r.Latency.TotalMilliseconds;
        // The router's window counts only evidence about the agent: not its provider's own calls, not failures it did
        // not cause (a 4xx answering this task's input, throttling, an open circuit…) — CallCounting decides.
        if (!_given.Contains((f.StepId, f.Call)) && _latest?.User is { } payer) _index.RecordOutcome(f.AgentId, payer, r.Success, r.ErrorCode, r.Latency);
        var attempts = r.Attempts.Select(a => new CallAttempt(a.Attempt, a.Success, a.HttpStatus, a.ErrorCode, (long)a.Latency.TotalMilliseconds))
            .ToImmutableArray();
        // Also after a step timeout: the task records a late success without paying it.
        _task.Tell(new RecordCallResult(f.StepId, f.Call, r.Success, r.Success ? r.Output ?? JValue.CreateNull() : null, r.Success ? null : r.ErrorCode,
            r.Success ? null : r.Message, latency, attempts));
    }

    private void OnTimedOut(StepTimedOut t)
    {
        if (!_running.ContainsKey((t.StepId, t.Call)) || !_given.Add((t.StepId, t.Call))) return;
        if (_latest?.User is { } payer) _index.RecordOutcome(t.AgentId, payer, false, AgentErrorCodes.StepTimeout, _options.StepTimeout);
        _task.Tell(new RecordCallResult(t.StepId, t.Call, false, null, AgentErrorCodes.StepTimeout,
            $"no answer within the step timeout of {_options.StepTimeout.TotalSeconds:0.###} s", (long)_options.StepTimeout.TotalMilliseconds, []));
    }

    private void Stop(TaskStopReason reason, string message)
    {
        _stopping = true;
        _log.Info("task stops: {0}: {1}", reason, message);
        _task.Tell(new StopTask(reason, message));
    }

    protected override void PostStop()
    {
        foreach (var cancel in _running.Values)
        {
            cancel.Cancel();
            cancel.Dispose();
        }
    }

    public static Props PropsFor(AgentIndex index, IAgentAdapter adapter, TaskOptions options) =>
        Props.Create(() => new TaskExecutor(index, adapter, options));
}
