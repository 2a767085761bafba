using System.Collections.Immutable;
using Newtonsoft.Json.Linq;
using PoT.Ledger;
using PoT.Persistence;
using PoT.Protocol;

namespace PoT.Orchestration;

/// <summary>Base of task-{taskId}'s events (tag: tasks).</summary>
public abstract record TaskEvent : PotEvent, ITaskEvent;

/// <summary>The task holds its escrow and its plan; the executor starts.</summary>
[Manifest("task-opened.v1")]
public sealed record TaskOpened(
    Address User,
    string Goal,
    string Input,
    UInt128 Budget,
    DateTimeOffset Deadline,
    TaskPlan Plan,
    string CommandId,
    RelayStamp Stamp) : TaskEvent;

/// <summary>An escrow arrived for a task id already in use: it goes straight back.</summary>
[Manifest("task-refused.v1")]
public sealed record TaskRefused(Address User, UInt128 Budget, string CommandId, string Reason, RelayStamp Stamp) : TaskEvent, IOutboxEvent
{
    public IEnumerable<OutboxDelivery> Deliveries(OutboxSource source)
    {
        yield return new OutboxDelivery(EntityKind.Account, User.Value, new Credit(User, Budget, "task-refused", source.Stamp(0)));
    }
}

/// <summary>A step is handed to an agent; its price is reserved from the escrow until the call ends.</summary>
[Manifest("step-dispatched.v1")]
public sealed record StepDispatched(string StepId, int Call, string AgentId, Address Provider, UInt128 Price) : TaskEvent;

/// <summary>How the price of a successful call is divided (hocon pot.tasks.fees).</summary>
public sealed record FeeSplit(UInt128 Provider, UInt128 Validators, UInt128 Treasury);

/// <summary>A call succeeded in time: the step has its output, and the agent's price is paid from the escrow — once.</summary>
[Manifest("step-succeeded.v1")]
public sealed record StepSucceeded(
    string StepId,
    int Call,
    string AgentId,
    Address Provider,
    UInt128 Price,
    FeeSplit Fees,
    Address ValidatorPool,
    Address Treasury,
    Address User,
    long LatencyMs,
    JToken? Output,
    ImmutableArray<CallAttempt> Attempts) : TaskEvent, IOutboxEvent
{
    public IEnumerable<OutboxDelivery> Deliveries(OutboxSource source)
    {
        var index = 0;
        foreach (var (to, amount, reason) in new[] { (Provider, Fees.Provider, "task-fee"), (ValidatorPool, Fees.Validators, "task-fee-validators"),
                     (Treasury, Fees.Treasury, "task-fee-treasury") })
            if (amount > UInt128.Zero)
                yield return new OutboxDelivery(EntityKind.Account, to.Value, new Credit(to, amount, reason, source.Stamp(index++)));
        var taskId = source.PersistenceId[(EntityIds.Prefix(EntityKind.Task).Length + 1)..];
        yield return new OutboxDelivery(EntityKind.Agent, AgentId, new RecordAgentCall(AgentId, taskId, User, true, LatencyMs, source.Stamp(index++), Price));
        // Paid usage is what the emission schedule measures for providers (a provider paying itself measures nothing).
        if (User != Provider && Fees.Validators + Fees.Treasury > UInt128.Zero)
            yield return new OutboxDelivery(EntityKind.Emission, PoT.Persistence.EmissionIds.EntityId,
                new PoT.Consensus.RecordUsage(AgentId, Provider, User, Fees.Validators + Fees.Treasury, source.Stamp(index)));
    }
}

/// <summary>A call failed (after the adapter's retries, or the step timed out waiting): nothing is paid, the reservation
/// is released, and the executor falls back to the next agent. Only failures the agent caused
/// (<see cref="PoT.Adapters.AgentErrorCodes.IsAgentFault"/>) are reported to its SLA window; a failed call paid nothing.</summary>
[Manifest("step-call-failed.v1")]
public sealed record StepCallFailed(
    string StepId,
    int Call,
    string AgentId,
    string Code,
    string Message,
    long LatencyMs,
    ImmutableArray<CallAttempt> Attempts,
    Address User) : TaskEvent, IOutboxEvent
{
    /// <summary>Calls lost to the node itself (a restart) are not the agent's fault.</summary>
    public const string Interrupted = "interrupted";

    public IEnumerable<OutboxDelivery> Deliveries(OutboxSource source)
    {
        if (!PoT.Adapters.AgentErrorCodes.IsAgentFault(Code)) yield break;
        var taskId = source.PersistenceId[(EntityIds.Prefix(EntityKind.Task).Length + 1)..];
        yield return new OutboxDelivery(EntityKind.Agent, AgentId, new RecordAgentCall(AgentId, taskId, User, false, LatencyMs, source.Stamp(0)));
    }
}

/// <summary>A call the task had already given up on answered after all: recorded, never paid.</summary>
[Manifest("late-result-ignored.v1")]
public sealed record LateResultIgnored(string StepId, int Call, string AgentId, long LatencyMs) : TaskEvent;

/// <summary>The task is over: why, and the unused escrow refunded to the user.</summary>
[Manifest("task-stopped.v1")]
public sealed record TaskStopped(TaskStopReason Reason, string Message, UInt128 Spent, UInt128 Refund, Address User) : TaskEvent, IOutboxEvent
{
    public IEnumerable<OutboxDelivery> Deliveries(OutboxSource source)
    {
        if (Refund > UInt128.Zero)
            yield return new OutboxDelivery(EntityKind.Account, User.Value, new Credit(User, Refund, "task-refund", source.Stamp(0)));
    }
}

[Manifest("task-snapshot.v1")]
public sealed record TaskSnapshot(TaskState State, string Head) : IPotMessage;
