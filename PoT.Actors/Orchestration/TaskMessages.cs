using System.Collections.Immutable;
using Newtonsoft.Json.Linq;
using PoT.Persistence;
using PoT.Protocol;

namespace PoT.Orchestration;

/// <summary>
/// A user's task (docs/orchestration.md): a goal, its plan — a template from hocon/, a chain of capabilities, or an
/// explicit plan (exactly one) — its input, the budget escrowed from the account, and a deadline (unix seconds).
/// Executed by the account first (escrow, nonce), then by task-{taskId}.
/// </summary>
[Eip712Type("SubmitTask"), Manifest("submit-task.v1")]
public sealed record SubmitTask(
    Address Account,
    string TaskId,
    string Goal,
    string Template,
    ImmutableArray<string> Capabilities,
    string Plan,
    string Input,
    UInt128 Budget,
    ulong Deadline,
    ulong Nonce) : ISignedCommand
{
    public PlanRequest PlanRequest => new(Template, Capabilities, Plan);
}

/// <summary>The escrowed task, brought by the relay from the user's account to task-{taskId}.</summary>
[Manifest("open-task.v1")]
public sealed record OpenTask(
    Address User,
    string TaskId,
    string Goal,
    PlanRequest PlanRequest,
    string Input,
    UInt128 Budget,
    DateTimeOffset Deadline,
    string CommandId,
    RelayStamp Stamp) : IPotMessage;

/// <summary>The executor asks its task to record that a step is handed to an agent at its price.</summary>
[Manifest("dispatch-call.v1")]
public sealed record DispatchCall(string StepId, string AgentId, Address Provider, UInt128 Price) : IPotMessage;

/// <summary>One HTTP attempt of a call, as the adapter reported it.</summary>
public sealed record CallAttempt(int Attempt, bool Success, int? HttpStatus, string? Code, long LatencyMs);

/// <summary>The executor reports how a call ended (possibly after the task stopped waiting for it).</summary>
[Manifest("record-call-result.v1")]
public sealed record RecordCallResult(
    string StepId,
    int Call,
    bool Success,
    JToken? Output,
    string? Code,
    string? Message,
    long LatencyMs,
    ImmutableArray<CallAttempt> Attempts) : IPotMessage;

/// <summary>Why a task stopped; persisted with the stop.</summary>
public enum TaskStopReason
{
    Completed,
    BudgetExhausted,
    DeadlineExceeded,
    NoAgent,
    Failed
}

/// <summary>The executor (or the deadline) asks the task to stop.</summary>
[Manifest("stop-task.v1")]
public sealed record StopTask(TaskStopReason Reason, string Message) : IPotMessage;

[Manifest("get-task.v1")]
public sealed record GetTask(string TaskId) : IPotMessage;

/// <summary>One call of an agent, reported by a task to the agent's entity for its SLA window: who paid
/// (<paramref name="User"/>) and what it paid the agent (<paramref name="Paid"/>: the price of a successful call, 0 for a
/// failed one; absent in messages of older nodes, which read as 0).</summary>
[Manifest("record-agent-call.v1")]
public sealed record RecordAgentCall(string AgentId, string TaskId, Address User, bool Success, long LatencyMs, RelayStamp Stamp, UInt128 Paid = default)
    : IPotMessage;
