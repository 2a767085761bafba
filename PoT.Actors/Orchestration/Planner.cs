using System.Collections.Immutable;
using Akka.Configuration;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using PoT.Protocol;
using PoT.Registry;

namespace PoT.Orchestration;

/// <summary>
/// The Planner (docs/orchestration.md, "Planning"): turns a <see cref="PlanRequest"/> into a <see cref="TaskPlan"/>,
/// or rejects it with a stable code. Pure: the task entity, the specs and the auditor run this same function.
/// </summary>
public static class Planner
{
    public const int DefaultMaxSteps = 16;

    /// <summary>
    /// Exactly one of Template / Capabilities / ExplicitPlan must be given (else invalid-plan). Capabilities make a
    /// linear chain (<see cref="TaskPlan.Chain"/>). The plan must then pass <see cref="Problem"/>: at most
    /// <paramref name="maxSteps"/> steps, well-formed unique ids, known dependencies, no cycle, and every capability
    /// <paramref name="offered"/> by some Listed agent.
    /// </summary>
    public static PlanResult Plan(PlanRequest request, PlanTemplates templates, Func<string, bool> offered, int maxSteps = DefaultMaxSteps)
    {
        var hasTemplate = !string.IsNullOrEmpty(request.Template);
        var hasCapabilities = !request.Capabilities.IsDefaultOrEmpty;
        var hasExplicit = !string.IsNullOrWhiteSpace(request.ExplicitPlan);
        var given = (hasTemplate ? 1 : 0) + (hasCapabilities ? 1 : 0) + (hasExplicit ? 1 : 0);
        if (given != 1)
            return Reject(ErrorCodes.InvalidPlan, given == 0
                ? "a task needs a plan: one of template, capabilities or an explicit plan"
                : "give exactly one of template, capabilities or an explicit plan, not " + string.Join(" and ",
                    new[] { (hasTemplate, "template"), (hasCapabilities, "capabilities"), (hasExplicit, "explicit plan") }.Where(g => g.Item1).Select(g => g.Item2)));

        TaskPlan plan;
        if (hasTemplate)
        {
            if (!templates.Templates.TryGetValue(request.Template, out var template))
                return Reject(ErrorCodes.UnknownTemplate, $"no plan template '{request.Template}' (known: {string.Join(", ", templates.Templates.Keys.Order(StringComparer.Ordinal))})");
            plan = template;
        }
        else if (hasCapabilities)
        {
            if (request.Capabilities.Length > maxSteps)
                return Reject(ErrorCodes.InvalidPlan, $"{request.Capabilities.Length} capabilities: a plan has at most {maxSteps} steps");
            plan = TaskPlan.Chain(request.Capabilities);
        }
        else
        {
            switch (ParseExplicit(request.ExplicitPlan, maxSteps))
            {
                case PlanResult.Rejected rejected: return rejected;
                case PlanResult.Planned parsed: plan = parsed.Plan; break;
                default: throw new InvalidOperationException();
            }
        }
        return (PlanResult?)Problem(plan, offered, maxSteps) ?? new PlanResult.Planned(plan);
    }

    /// <summary>
    /// What is wrong with a plan, in this order, or null: no steps or more than <paramref name="maxSteps"/>, an id or
    /// capability that breaks the capability charset rule (<see cref="AgentRules.IsWellFormedCapability"/>), a
    /// duplicate id or a step naming one dependency twice (invalid-plan); a dependency that is not a step
    /// (unknown-dependency); a cycle (plan-cycle); a capability no Listed agent offers (no-agent-for-capability).
    /// </summary>
    public static PlanResult.Rejected? Problem(TaskPlan plan, Func<string, bool> offered, int maxSteps = DefaultMaxSteps)
    {
        var steps = plan.Steps;
        if (steps.IsDefaultOrEmpty) return Reject(ErrorCodes.InvalidPlan, "a plan needs at least one step");
        if (steps.Length > maxSteps) return Reject(ErrorCodes.InvalidPlan, $"{steps.Length} steps: a plan has at most {maxSteps}");

        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < steps.Length; i++)
        {
            var step = steps[i];
            if (step is null) return Reject(ErrorCodes.InvalidPlan, $"step {i + 1} is empty");
            if (step.Id is null || !AgentRules.IsWellFormedCapability(step.Id))
                return Reject(ErrorCodes.InvalidPlan, $"step {i + 1}: id '{step.Id}' is not {Charset}");
            if (step.Capability is null || !AgentRules.IsWellFormedCapability(step.Capability))
                return Reject(ErrorCodes.InvalidPlan, $"step '{step.Id}': capability '{step.Capability}' is not {Charset}");
            if (!ids.Add(step.Id)) return Reject(ErrorCodes.InvalidPlan, $"step id '{step.Id}' appears twice");
        }
        foreach (var step in steps)
        {
            var after = step.After.IsDefault ? [] : step.After;
            for (var j = 0; j < after.Length; j++)
            {
                if (after[j] is null || !ids.Contains(after[j]))
                    return Reject(ErrorCodes.UnknownDependency, $"step '{step.Id}' runs after '{after[j]}', which is not a step of the plan");
                if (after.IndexOf(after[j], 0, j, StringComparer.Ordinal) >= 0)
                    return Reject(ErrorCodes.InvalidPlan, $"step '{step.Id}' names '{after[j]}' twice in after");
            }
        }
        if (Sort(steps).Cycle is { } cycle)
            return Reject(ErrorCodes.PlanCycle, $"the plan has a cycle: {string.Join(" after ", cycle.Select(id => $"'{id}'"))}");
        foreach (var step in steps)
            if (!offered(step.Capability))
                return Reject(ErrorCodes.NoAgentForCapability, $"step '{step.Id}': no listed agent offers capability '{step.Capability}'");
        return null;
    }

    private const string Charset = "1-64 characters of a-z, 0-9, '.', '_', ':', '/' or '-', starting with a letter or digit";

    /// <summary>Kahn's algorithm, stable (plan order among steps free at once). Assumes unique ids and known
    /// dependencies. On a cycle, Cycle names one: ids where each runs after the next, the first repeated at the end.</summary>
    internal static (ImmutableArray<PlanStep> Order, ImmutableArray<string>? Cycle) Sort(ImmutableArray<PlanStep> steps)
    {
        var index = new Dictionary<string, int>(steps.Length, StringComparer.Ordinal);
        for (var i = 0; i < steps.Length; i++) index[steps[i].Id] = i;
        var waiting = new int[steps.Length];
        var dependents = new List<int>[steps.Length];
        for (var i = 0; i < steps.Length; i++) dependents[i] = [];
        for (var i = 0; i < steps.Length; i++)
            foreach (var before in steps[i].After.IsDefault ? [] : steps[i].After)
            {
                waiting[i]++;
                dependents[index[before]].Add(i);
            }
        var free = new PriorityQueue<int, int>();
        for (var i = 0; i < steps.Length; i++)
            if (waiting[i] == 0) free.Enqueue(i, i);
        var order = ImmutableArray.CreateBuilder<PlanStep>(steps.Length);
        while (free.TryDequeue(out var next, out _))
        {
            order.Add(steps[next]);
            foreach (var dependent in dependents[next])
                if (--waiting[dependent] == 0) free.Enqueue(dependent, dependent);
        }
        if (order.Count == steps.Length) return (order.MoveToImmutable(), null);

        // Every step left waits for another step left: walking "after" edges among them must come back to a step.
        var seenAt = new Dictionary<int, int>();
        var path = new List<int>();
        var at = Enumerable.Range(0, steps.Length).First(i => waiting[i] > 0);
        while (!seenAt.ContainsKey(at))
        {
            seenAt[at] = path.Count;
            path.Add(at);
            at = steps[at].After.Select(id => index[id]).First(i => waiting[i] > 0);
        }
        return ([], [.. path.Skip(seenAt[at]).Append(at).Select(i => steps[i].Id)]);
    }

    /// <summary>Reads an explicit plan: a JSON array of objects with a string "id", a string "capability" and an
    /// optional array of strings "after"; nothing else.</summary>
    private static PlanResult ParseExplicit(string json, int maxSteps)
    {
        JToken token;
        try
        {
            using var reader = new JsonTextReader(new StringReader(json)) { DateParseHandling = DateParseHandling.None, FloatParseHandling = FloatParseHandling.Decimal, MaxDepth = 8 };
            token = JToken.ReadFrom(reader);
            if (reader.Read()) return Reject(ErrorCodes.InvalidPlan, "explicit plan: unexpected content after the JSON array");
        }
        catch (JsonException e)
        {
            return Reject(ErrorCodes.InvalidPlan, $"explicit plan: not JSON ({e.Message})");
        }
        if (token is not JArray array)
            return Reject(ErrorCodes.InvalidPlan, "explicit plan: a JSON array of steps [{\"id\", \"capability\", \"after\": [ids]}]");
        if (array.Count > maxSteps) return Reject(ErrorCodes.InvalidPlan, $"{array.Count} steps: a plan has at most {maxSteps}");
        var steps = ImmutableArray.CreateBuilder<PlanStep>(array.Count);
        for (var i = 0; i < array.Count; i++)
        {
            if (array[i] is not JObject o) return Reject(ErrorCodes.InvalidPlan, $"explicit plan: step {i + 1} is not an object");
            if (o.Properties().FirstOrDefault(p => p.Name is not ("id" or "capability" or "after")) is { } unknown)
                return Reject(ErrorCodes.InvalidPlan, $"explicit plan: step {i + 1} has an unknown field '{unknown.Name}' (id, capability, after)");
            if (o["id"] is not JValue { Type: JTokenType.String, Value: string id })
                return Reject(ErrorCodes.InvalidPlan, $"explicit plan: step {i + 1} needs a string id");
            if (o["capability"] is not JValue { Type: JTokenType.String, Value: string capability })
                return Reject(ErrorCodes.InvalidPlan, $"explicit plan: step '{id}' needs a string capability");
            var after = ImmutableArray<string>.Empty;
            switch (o["after"])
            {
                case null or JValue { Type: JTokenType.Null }:
                    break;
                case JArray names when names.All(n => n.Type == JTokenType.String):
                    after = [.. names.Select(n => n.Value<string>()!)];
                    break;
                default:
                    return Reject(ErrorCodes.InvalidPlan, $"explicit plan: step '{id}': after is an array of step ids");
            }
            steps.Add(new PlanStep(id, capability, after));
        }
        return new PlanResult.Planned(new TaskPlan(steps.MoveToImmutable()));
    }

    private static PlanResult.Rejected Reject(string code, string message) => new(code, message);
}

/// <summary>The named plans users can ask for (hocon/pot.conf, pot.orchestration.templates).</summary>
public sealed record PlanTemplates(ImmutableDictionary<string, TaskPlan> Templates)
{
    public static readonly PlanTemplates None = new(ImmutableDictionary<string, TaskPlan>.Empty.WithComparers(StringComparer.Ordinal));

    /// <summary>
    /// Reads <c>pot.orchestration.templates</c>: each key a template name, each value an array of steps
    /// <c>{ id = …, capability = …, after = [ids] }</c> (after optional). Every template must pass
    /// <see cref="Planner.Problem"/> (without the agent check) within <c>pot.orchestration.max-plan-steps</c>: a broken
    /// template stops the node at start, not a user's task later.
    /// </summary>
    public static PlanTemplates FromConfig(Config pot)
    {
        var maxSteps = MaxPlanSteps(pot);
        if (!pot.HasPath("orchestration.templates")) return None;
        var templates = ImmutableDictionary.CreateBuilder<string, TaskPlan>(StringComparer.Ordinal);
        foreach (var (name, value) in pot.GetValue("orchestration.templates").GetObject().Items)
        {
            var where = $"pot.orchestration.templates.{name}";
            if (!value.IsArray()) throw new ConfigurationException($"{where} must be an array of steps {{ id, capability, after = [ids] }}");
            var steps = ImmutableArray.CreateBuilder<PlanStep>();
            foreach (var element in value.GetArray())
            {
                if (!element.IsObject()) throw new ConfigurationException($"{where}: each step is an object {{ id, capability, after = [ids] }}");
                var items = element.GetObject().Items;
                if (items.Keys.FirstOrDefault(k => k is not ("id" or "capability" or "after")) is { } unknown)
                    throw new ConfigurationException($"{where}: unknown key '{unknown}' in a step (id, capability, after)");
                string Required(string key) => items.TryGetValue(key, out var v) && v.IsString()
                    ? v.GetString()
                    : throw new ConfigurationException($"{where}: every step needs a {key}");
                var after = items.TryGetValue("after", out var a) ? [.. a.GetStringList()] : ImmutableArray<string>.Empty;
                steps.Add(new PlanStep(Required("id"), Required("capability"), after));
            }
            var plan = new TaskPlan(steps.ToImmutable());
            if (Planner.Problem(plan, _ => true, maxSteps) is { } problem)
                throw new ConfigurationException($"{where}: {problem.Code}: {problem.Message}");
            templates[name] = plan;
        }
        return new PlanTemplates(templates.ToImmutable());
    }

    /// <summary><c>pot.orchestration.max-plan-steps</c> (default <see cref="Planner.DefaultMaxSteps"/>).</summary>
    public static int MaxPlanSteps(Config pot)
    {
        var max = pot.GetInt("orchestration.max-plan-steps", Planner.DefaultMaxSteps);
        return max >= 1 ? max : throw new ConfigurationException("pot.orchestration.max-plan-steps must be at least 1");
    }
}
