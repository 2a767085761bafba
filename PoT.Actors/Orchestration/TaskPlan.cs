using System.Collections.Immutable;

namespace PoT.Orchestration;

/// <summary>One step of a task plan: it needs an agent offering <paramref name="Capability"/> and runs once the steps
/// named in <paramref name="After"/> (whose outputs it needs) have completed. Equality is by value (After in order).</summary>
public sealed record PlanStep(string Id, string Capability, ImmutableArray<string> After)
{
    public bool Equals(PlanStep? other) =>
        other is not null && Id == other.Id && Capability == other.Capability && After.AsSpan().SequenceEqual(other.After.AsSpan());

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Id);
        hash.Add(Capability);
        foreach (var id in After.IsDefault ? [] : After) hash.Add(id);
        return hash.ToHashCode();
    }
}

/// <summary>
/// A task's plan: a directed acyclic graph of steps, in the order they were given (docs/orchestration.md, "Planning").
/// Made by <see cref="Planner.Plan"/>, which guarantees unique ids, known dependencies and no cycle; the helpers
/// below rely on that. Equality is by value (steps in order).
/// </summary>
public sealed record TaskPlan(ImmutableArray<PlanStep> Steps)
{
    /// <summary>The step with this id, or null.</summary>
    public PlanStep? Step(string id)
    {
        foreach (var step in Steps)
            if (step.Id == id) return step;
        return null;
    }

    /// <summary>The steps that can run now: not completed themselves, and every step they run after is completed. In
    /// plan order. (Steps already running are the caller's to leave out.)</summary>
    public ImmutableArray<PlanStep> Ready(IReadOnlySet<string> completed) => Ready(completed.Contains);

    /// <inheritdoc cref="Ready(IReadOnlySet{string})"/>
    public ImmutableArray<PlanStep> Ready(Func<string, bool> isCompleted)
    {
        var ready = ImmutableArray.CreateBuilder<PlanStep>();
        foreach (var step in Steps)
        {
            if (isCompleted(step.Id)) continue;
            var allDone = true;
            foreach (var before in step.After)
                if (!isCompleted(before))
                {
                    allDone = false;
                    break;
                }
            if (allDone) ready.Add(step);
        }
        return ready.ToImmutable();
    }

    /// <summary>Every step is completed.</summary>
    public bool IsComplete(IReadOnlySet<string> completed) => Steps.All(s => completed.Contains(s.Id));

    /// <summary>The steps in an order where each comes after every step it runs after; among steps free at the same
    /// time, plan order (Kahn's algorithm, stable). Throws on a cycle, which a plan from the Planner never has.</summary>
    public ImmutableArray<PlanStep> TopologicalOrder() =>
        Planner.Sort(Steps) is { Cycle: null } sorted
            ? sorted.Order
            : throw new InvalidOperationException("the plan has a cycle; only plans made by Planner.Plan can be ordered");

    /// <summary>A linear chain: step i (id "step-i", counted from 1) needs capability i and runs after step i − 1.</summary>
    public static TaskPlan Chain(IReadOnlyList<string> capabilities) =>
        new([.. capabilities.Select((capability, i) => new PlanStep($"step-{i + 1}", capability, i == 0 ? [] : [$"step-{i}"]))]);

    public bool Equals(TaskPlan? other) => other is not null && Steps.AsSpan().SequenceEqual(other.Steps.AsSpan());

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var step in Steps.IsDefault ? [] : Steps) hash.Add(step);
        return hash.ToHashCode();
    }
}

/// <summary>What a user asks for: exactly one of a template's name, a list of capabilities (a linear chain), or an
/// explicit plan as JSON <c>[{"id": …, "capability": …, "after": [ids]}, …]</c>. Empty means not given.</summary>
public sealed record PlanRequest(string Template, ImmutableArray<string> Capabilities, string ExplicitPlan)
{
    public static PlanRequest FromTemplate(string template) => new(template, [], "");

    public static PlanRequest FromCapabilities(params string[] capabilities) => new("", [.. capabilities], "");

    public static PlanRequest FromJson(string explicitPlan) => new("", [], explicitPlan);
}

/// <summary>The Planner's answer: a valid plan, or a rejection with a stable code (<see cref="Protocol.ErrorCodes"/>,
/// "Tasks") and a message naming the step or capability at fault.</summary>
public abstract record PlanResult
{
    public sealed record Planned(TaskPlan Plan) : PlanResult;

    public sealed record Rejected(string Code, string Message) : PlanResult;
}
