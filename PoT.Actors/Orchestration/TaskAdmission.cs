using System.Text;
using PoT.Protocol;

namespace PoT.Orchestration;

/// <summary>
/// What the node checks of a signed task before the account escrows anything: a well-formed id, an input within
/// bounds, a deadline ahead but not too far, and a plan that validates against the agents listed now (every step's
/// capability offered). A refusal here writes nothing; the user keeps the budget and the nonce.
/// </summary>
public static class TaskAdmission
{
    public static string? TaskIdProblem(string taskId) => Identifiers.Problem("taskId", taskId);

    public static CommandRejected? Check(SubmitTask t, TaskOptions options, Func<string, bool> offered, DateTimeOffset now)
    {
        if (TaskIdProblem(t.TaskId) is { } idProblem) return new CommandRejected(ErrorCodes.InvalidField, idProblem);
        var inputBytes = Encoding.UTF8.GetByteCount(t.Input);
        if (inputBytes > options.MaxInputBytes)
            return new CommandRejected(ErrorCodes.InvalidField, $"input: {inputBytes} bytes; at most {options.MaxInputBytes} (pot.tasks.max-input-bytes)");
        var nowSeconds = (ulong)now.ToUnixTimeSeconds();
        if (t.Deadline <= nowSeconds)
            return new CommandRejected(ErrorCodes.DeadlinePassed, $"deadline {t.Deadline} (unix seconds) is not after now ({nowSeconds})");
        if (t.Deadline > nowSeconds + (ulong)options.MaxDeadline.TotalSeconds)
            return new CommandRejected(ErrorCodes.InvalidField,
                $"deadline: at most {options.MaxDeadline.TotalHours:0.##} h ahead (pot.tasks.max-deadline); {t.Deadline - nowSeconds} s given");
        return Planner.Plan(t.PlanRequest, options.Planning.Templates, offered, options.Planning.MaxPlanSteps) is PlanResult.Rejected r
            ? new CommandRejected(r.Code, r.Message)
            : null;
    }
}
