using PoT.Persistence;

namespace PoT.Orchestration;

/// <summary>A task as GET /v1/tasks/{id} shows it: its state, with what the escrow still holds.</summary>
[Manifest("task-view.v1")]
public sealed record TaskView(TaskState State, UInt128 Held, UInt128 Available, int Calls) : IPotMessage
{
    public static TaskView Of(TaskState s) => new(s, s.Held, s.Phase == TaskPhase.Running ? s.Available : UInt128.Zero, s.CallCount);
}

/// <summary>The task's state after each change, sent to its executor.</summary>
public sealed record TaskChanged(TaskState State);

/// <summary>A (re)started executor asks its task for the state.</summary>
public sealed class ExecutorReady
{
    public static readonly ExecutorReady Instance = new();
}
