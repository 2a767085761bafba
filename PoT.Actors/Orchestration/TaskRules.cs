using PoT.Persistence;
using PoT.Protocol;
using static PoT.Persistence.Decision;

namespace PoT.Orchestration;

/// <summary>
/// A task's rules: pure functions from (state, input, time) to a <see cref="Decision"/>. The entity runs them on what
/// its executor reports; the auditor runs them again on what the journal says was reported. They hold the money
/// invariants: a call is only dispatched if its price fits what the escrow has left, a step is paid once (only the
/// call in flight when it succeeds, never a late one), and the refund is what was not spent.
/// </summary>
public static class TaskRules
{
    private static readonly CommandAccepted Acknowledged = new("", []);

    public static Decision Open(TaskState s, OpenTask o, TaskOptions options)
    {
        if (o.Stamp <= s.Watermark || (s.Phase != TaskPhase.None && s.CommandId == o.CommandId)) return Done(Acknowledged);
        if (s.Phase != TaskPhase.None)
            return Emit(new TaskRefused(o.User, o.Budget, o.CommandId, ErrorCodes.TaskExists, o.Stamp));
        // The edge planned against the live agents before escrowing; here only the plan's shape is fixed for good.
        return Planner.Plan(o.PlanRequest, options.Planning.Templates, _ => true, options.Planning.MaxPlanSteps) switch
        {
            PlanResult.Planned p => Emit(new TaskOpened(o.User, o.Goal, o.Input, o.Budget, o.Deadline, p.Plan, o.CommandId, o.Stamp)),
            PlanResult.Rejected r => Emit(new TaskOpened(o.User, o.Goal, o.Input, o.Budget, o.Deadline, new TaskPlan([]), o.CommandId, o.Stamp),
                new TaskStopped(TaskStopReason.Failed, $"{r.Code}: {r.Message}", UInt128.Zero, o.Budget, o.User)),
            _ => throw new InvalidOperationException("unknown plan result")
        };
    }

    public static Decision Dispatch(TaskState s, DispatchCall d, TaskOptions options)
    {
        if (s.Phase != TaskPhase.Running) return Rejected(ErrorCodes.TaskStopped, $"task {s.TaskId} is not running");
        if (s.Step(d.StepId) is not { } step) return Rejected(ErrorCodes.InvalidField, $"task {s.TaskId} has no step '{d.StepId}'");
        if (!s.Ready().Contains(step)) return Rejected(ErrorCodes.InvalidField, $"step '{d.StepId}' is not ready (done, in flight, or waiting for another step)");
        if (step.Calls.Any(c => c.AgentId == d.AgentId && c.Code != StepCallFailed.Interrupted))
            return Rejected(ErrorCodes.InvalidField, $"agent '{d.AgentId}' was already tried for step '{d.StepId}'");
        if (s.CallCount >= options.MaxCalls) return Rejected(ErrorCodes.InvalidField, $"the task has made its {options.MaxCalls} calls");
        if (d.Price > s.Available) return Rejected(ErrorCodes.InsufficientFunds, $"the call costs {d.Price}; the escrow has {s.Available} left");
        return Emit(new StepDispatched(d.StepId, step.Calls.Count + 1, d.AgentId, d.Provider, d.Price));
    }

    public static Decision Result(TaskState s, RecordCallResult r, TaskOptions options)
    {
        var call = s.Step(r.StepId)?.Calls.FirstOrDefault(c => c.Call == r.Call);
        if (call is null) return Rejected(ErrorCodes.InvalidField, $"task {s.TaskId} has no call {r.Call} of step '{r.StepId}'");
        if (call.Status != CallStatus.InFlight)
            return r.Success && !call.LateResult ? Emit(new LateResultIgnored(r.StepId, r.Call, call.AgentId, r.LatencyMs)) : Done(Acknowledged);
        if (!r.Success)
            return Emit(new StepCallFailed(r.StepId, r.Call, call.AgentId, r.Code ?? "agent-error", r.Message ?? "", r.LatencyMs, r.Attempts, s.User!.Value));
        var succeeded = new StepSucceeded(r.StepId, r.Call, call.AgentId, call.Provider, call.Price, options.Split(call.Price), options.ValidatorPool,
            options.Treasury, s.User!.Value, r.LatencyMs, r.Output, r.Attempts);
        var after = s.Apply(succeeded);
        return after.AllDone
            ? Emit(succeeded, Stop(after, TaskStopReason.Completed, $"all {after.Steps.Length} steps done"))
            : Emit(succeeded);
    }

    public static Decision Stop(TaskState s, StopTask x, DateTimeOffset now)
    {
        if (s.Phase != TaskPhase.Running) return Done(Acknowledged);
        if (x.Reason == TaskStopReason.Completed && !s.AllDone) return Rejected(ErrorCodes.InvalidField, "the task has steps left");
        if (x.Reason == TaskStopReason.DeadlineExceeded && now < s.Deadline)
            return Rejected(ErrorCodes.InvalidField, $"the deadline {s.Deadline:O} has not passed");
        return Emit(Stop(s, x.Reason, x.Message));
    }

    private static TaskStopped Stop(TaskState s, TaskStopReason reason, string message) =>
        new(reason, message, s.Spent, s.Budget - s.Spent, s.User!.Value);
}
