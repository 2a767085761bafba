using System.Collections.Immutable;
using Newtonsoft.Json.Linq;
using PoT.Persistence;
using PoT.Protocol;

namespace PoT.Orchestration;

public enum TaskPhase
{
    None,
    Running,
    Stopped
}

public enum CallStatus
{
    InFlight,
    Succeeded,
    Failed
}

/// <summary>One agent tried for one step.</summary>
public sealed record TaskCall(
    int Call,
    string AgentId,
    Address Provider,
    UInt128 Price,
    CallStatus Status,
    string? Code,
    string? Message,
    long? LatencyMs,
    ImmutableArray<CallAttempt> Attempts,
    bool LateResult);

/// <summary>A step of the plan, the calls made for it, and its output once one succeeded.</summary>
public sealed record TaskStep(PlanStep Plan, ImmutableList<TaskCall> Calls, JToken? Output, bool Done)
{
    [Newtonsoft.Json.JsonIgnore]
    public TaskCall? InFlight => Calls.FirstOrDefault(c => c.Status == CallStatus.InFlight);
}

/// <summary>
/// One task: who pays, the escrow and what of it is spent or reserved for calls in flight, the plan with every call
/// and its outcome, the deadline, and why it stopped.
/// </summary>
public sealed record TaskState(
    string TaskId,
    TaskPhase Phase,
    Address? User,
    string Goal,
    string Input,
    UInt128 Budget,
    UInt128 Spent,
    UInt128 Refunded,
    DateTimeOffset Deadline,
    ImmutableArray<TaskStep> Steps,
    string CommandId,
    TaskStopReason? StopReason,
    string? StopMessage,
    RelayStamp Watermark,
    long Version)
{
    public static TaskState Empty(string taskId) =>
        new(taskId, TaskPhase.None, null, "", "", UInt128.Zero, UInt128.Zero, UInt128.Zero, DateTimeOffset.MinValue, [], "", null, null,
            RelayStamp.None, 0);

    /// <summary>Tokens the task holds: the escrow not yet paid out or refunded.</summary>
    [Newtonsoft.Json.JsonIgnore]
    public UInt128 Held => Budget - Spent - Refunded;

    /// <summary>The prices of the calls in flight: reserved from the escrow until each call ends.</summary>
    [Newtonsoft.Json.JsonIgnore]
    public UInt128 Reserved => Steps.SelectMany(s => s.Calls).Where(c => c.Status == CallStatus.InFlight).Aggregate(UInt128.Zero, (sum, c) => checked(sum + c.Price));

    /// <summary>What a new call may still cost.</summary>
    [Newtonsoft.Json.JsonIgnore]
    public UInt128 Available => Budget - Spent - Reserved;

    [Newtonsoft.Json.JsonIgnore]
    public int CallCount => Steps.Sum(s => s.Calls.Count);

    [Newtonsoft.Json.JsonIgnore]
    public bool AllDone => Steps.Length > 0 && Steps.All(s => s.Done);

    public TaskStep? Step(string stepId) => Steps.FirstOrDefault(s => s.Plan.Id == stepId);

    /// <summary>Steps that may run now: not done, nothing in flight, every step they follow done.</summary>
    public IEnumerable<TaskStep> Ready() =>
        Steps.Where(s => !s.Done && s.InFlight is null && s.Plan.After.All(a => Step(a)?.Done == true));

    [Newtonsoft.Json.JsonIgnore]
    public string PersistenceId => EntityIds.PersistenceId(EntityKind.Task, TaskId);
}

/// <summary>The pure evolution of a task by its events.</summary>
public static class TaskEvolution
{
    public static TaskState Apply(this TaskState s, PotEvent e)
    {
        var next = e switch
        {
            TaskOpened o => s with
            {
                Phase = TaskPhase.Running, User = o.User, Goal = o.Goal, Input = o.Input, Budget = o.Budget, Deadline = o.Deadline,
                Steps = [.. o.Plan.Steps.Select(p => new TaskStep(p, [], null, false))], CommandId = o.CommandId, Watermark = o.Stamp
            },
            TaskRefused r => s with { Watermark = r.Stamp },
            StepDispatched d => s with
            {
                Steps = Change(s, d.StepId, step => step with
                {
                    Calls = step.Calls.Add(new TaskCall(d.Call, d.AgentId, d.Provider, d.Price, CallStatus.InFlight, null, null, null, [], false))
                })
            },
            StepSucceeded ok => s with
            {
                Spent = checked(s.Spent + ok.Price),
                Steps = Change(s, ok.StepId, step => step with
                {
                    Output = ok.Output, Done = true,
                    Calls = ChangeCall(step, ok.Call, c => c with { Status = CallStatus.Succeeded, LatencyMs = ok.LatencyMs, Attempts = ok.Attempts })
                })
            },
            StepCallFailed f => s with
            {
                Steps = Change(s, f.StepId, step => step with
                {
                    Calls = ChangeCall(step, f.Call, c => c with
                    {
                        Status = CallStatus.Failed, Code = f.Code, Message = f.Message, LatencyMs = f.LatencyMs, Attempts = f.Attempts
                    })
                })
            },
            LateResultIgnored l => s with { Steps = Change(s, l.StepId, step => step with { Calls = ChangeCall(step, l.Call, c => c with { LateResult = true }) }) },
            TaskStopped x => s with
            {
                Phase = TaskPhase.Stopped, StopReason = x.Reason, StopMessage = x.Message, Refunded = x.Refund,
                // Calls still in flight are abandoned: they are never paid.
                Steps = [.. s.Steps.Select(step => step with
                {
                    Calls = step.Calls.Select(c => c.Status == CallStatus.InFlight ? c with { Status = CallStatus.Failed, Code = "abandoned" } : c).ToImmutableList()
                })]
            },
            _ => throw new ArgumentException($"not a task event: {e.GetType().Name}")
        };
        return next with { Version = s.Version + 1 };
    }

    private static ImmutableArray<TaskStep> Change(TaskState s, string stepId, Func<TaskStep, TaskStep> change)
    {
        var index = s.Steps.IndexOf(s.Step(stepId) ?? throw new ArgumentException($"task {s.TaskId} has no step {stepId}"));
        return s.Steps.SetItem(index, change(s.Steps[index]));
    }

    private static ImmutableList<TaskCall> ChangeCall(TaskStep step, int call, Func<TaskCall, TaskCall> change)
    {
        var index = step.Calls.FindIndex(c => c.Call == call);
        if (index < 0) throw new ArgumentException($"step {step.Plan.Id} has no call {call}");
        return step.Calls.SetItem(index, change(step.Calls[index]));
    }
}
