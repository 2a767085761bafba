using System.Collections.Immutable;
using Akka.Configuration;
using PoT.Hosting;
using PoT.Orchestration;
using PoT.Protocol;
using Xunit;

namespace PoT.Specs.Orchestration;

/// <summary>The Planner: plans from templates, capability lists and explicit JSON plans, and every rejection code.</summary>
public sealed class PlannerSpecs
{
    private static readonly PlanTemplates Templates = PlanTemplates.FromConfig(PotConfig.Embedded("pot.conf").GetConfig("pot"));
    private static readonly HashSet<string> Offered = ["retrieve", "answer", "verify", "summarize", "translate", "a", "b", "c"];

    private static PlanResult Plan(PlanRequest request, int maxSteps = Planner.DefaultMaxSteps) => Planner.Plan(request, Templates, Offered.Contains, maxSteps);

    private static TaskPlan Planned(PlanRequest request) => Assert.IsType<PlanResult.Planned>(Plan(request)).Plan;

    private static PlanResult.Rejected Rejected(PlanRequest request, string code, int maxSteps = Planner.DefaultMaxSteps)
    {
        var rejected = Assert.IsType<PlanResult.Rejected>(Plan(request, maxSteps));
        Assert.Equal(code, rejected.Code);
        return rejected;
    }

    private static PlanStep Step(string id, string capability, params string[] after) => new(id, capability, [.. after]);

    [Fact]
    public void A_template_from_the_node_configuration_gives_its_steps()
    {
        var plan = Planned(PlanRequest.FromTemplate("rag-qa"));

        Assert.Equal(new TaskPlan([Step("retrieve", "retrieve"), Step("answer", "answer", "retrieve"), Step("verify", "verify", "answer")]), plan);
        Assert.Equal(new TaskPlan([Step("summarize", "summarize")]), Planned(PlanRequest.FromTemplate("summarize")));
    }

    [Fact]
    public void A_capability_list_gives_a_linear_chain()
    {
        var plan = Planned(PlanRequest.FromCapabilities("retrieve", "summarize", "translate"));

        Assert.Equal(new TaskPlan([Step("step-1", "retrieve"), Step("step-2", "summarize", "step-1"), Step("step-3", "translate", "step-2")]), plan);
    }

    [Fact]
    public void An_explicit_plan_gives_its_graph()
    {
        var plan = Planned(PlanRequest.FromJson("""
            [ {"id": "r1", "capability": "retrieve"}, {"id": "r2", "capability": "retrieve", "after": []},
              {"id": "join", "capability": "answer", "after": ["r1", "r2"]} ]
            """));

        Assert.Equal(new TaskPlan([Step("r1", "retrieve"), Step("r2", "retrieve"), Step("join", "answer", "r1", "r2")]), plan);
    }

    [Fact]
    public void Ready_steps_are_those_whose_dependencies_are_completed()
    {
        var plan = Planned(PlanRequest.FromJson("""
            [ {"id": "join", "capability": "answer", "after": ["r1", "r2"]}, {"id": "r1", "capability": "retrieve"},
              {"id": "r2", "capability": "retrieve"}, {"id": "check", "capability": "verify", "after": ["join"]} ]
            """));

        Assert.Equal(["r1", "r2"], plan.Ready(new HashSet<string>()).Select(s => s.Id));
        Assert.Equal(["r2"], plan.Ready(new HashSet<string> { "r1" }).Select(s => s.Id));
        Assert.Equal(["join"], plan.Ready(ImmutableHashSet.Create("r1", "r2")).Select(s => s.Id));
        Assert.Empty(plan.Ready(new HashSet<string> { "r1", "r2", "join", "check" }));
        Assert.True(plan.IsComplete(new HashSet<string> { "r1", "r2", "join", "check" }));
        Assert.Equal(["r1", "r2", "join", "check"], plan.TopologicalOrder().Select(s => s.Id));
    }

    [Fact]
    public void A_plan_survives_the_event_serializer()
    {
        var plan = Planned(PlanRequest.FromTemplate("rag-qa"));

        var json = PoT.Persistence.PotJson.Serialize(plan);

        Assert.Equal(plan, PoT.Persistence.PotJson.Deserialize<TaskPlan>(json));
        Assert.DoesNotContain("ready", json, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void A_capability_no_listed_agent_offers_is_rejected_naming_the_step()
    {
        var rejected = Rejected(PlanRequest.FromCapabilities("retrieve", "paint"), ErrorCodes.NoAgentForCapability);

        Assert.Contains("'step-2'", rejected.Message);
        Assert.Contains("'paint'", rejected.Message);
        Assert.Equal(ErrorCodes.NoAgentForCapability,
            Assert.IsType<PlanResult.Rejected>(Planner.Plan(PlanRequest.FromTemplate("rag-qa"), Templates, c => c != "verify")).Code);
    }

    [Fact]
    public void A_cycle_is_rejected_naming_its_steps()
    {
        var rejected = Rejected(PlanRequest.FromJson("""
            [ {"id": "x", "capability": "a"}, {"id": "p", "capability": "a", "after": ["x", "q"]}, {"id": "q", "capability": "b", "after": ["p"]},
              {"id": "tail", "capability": "c", "after": ["q"]} ]
            """), ErrorCodes.PlanCycle);

        Assert.Contains("'p' after 'q' after 'p'", rejected.Message);
        Rejected(PlanRequest.FromJson("""[ {"id": "self", "capability": "a", "after": ["self"]} ]"""), ErrorCodes.PlanCycle);
    }

    [Fact]
    public void A_dependency_on_a_step_that_does_not_exist_is_rejected()
    {
        var rejected = Rejected(PlanRequest.FromJson("""[ {"id": "a1", "capability": "a", "after": ["ghost"]} ]"""), ErrorCodes.UnknownDependency);

        Assert.Contains("'ghost'", rejected.Message);
    }

    [Fact]
    public void A_duplicate_step_id_is_rejected()
    {
        var rejected = Rejected(PlanRequest.FromJson("""[ {"id": "s", "capability": "a"}, {"id": "s", "capability": "b"} ]"""), ErrorCodes.InvalidPlan);

        Assert.Contains("'s' appears twice", rejected.Message);
        Rejected(PlanRequest.FromJson("""[ {"id": "s", "capability": "a"}, {"id": "t", "capability": "b", "after": ["s", "s"]} ]"""), ErrorCodes.InvalidPlan);
    }

    [Fact]
    public void An_unknown_template_is_rejected_listing_the_known_ones()
    {
        var rejected = Rejected(PlanRequest.FromTemplate("poetry"), ErrorCodes.UnknownTemplate);

        Assert.Contains("rag-qa, summarize", rejected.Message);
    }

    [Fact]
    public void A_request_with_no_plan_or_more_than_one_is_rejected_as_ambiguous()
    {
        Rejected(new PlanRequest("", [], ""), ErrorCodes.InvalidPlan);
        Rejected(new PlanRequest(null!, default, null!), ErrorCodes.InvalidPlan);
        var rejected = Rejected(new PlanRequest("rag-qa", ["summarize"], ""), ErrorCodes.InvalidPlan);
        Assert.Contains("template and capabilities", rejected.Message);
        Rejected(new PlanRequest("", ["summarize"], """[{"id": "a", "capability": "a"}]"""), ErrorCodes.InvalidPlan);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("""{"id": "a", "capability": "a"}""")]
    [InlineData("[]")]
    [InlineData("""[ "a" ]""")]
    [InlineData("""[ {"id": "a"} ]""")]
    [InlineData("""[ {"id": 5, "capability": "a"} ]""")]
    [InlineData("""[ {"id": "a", "capability": "a", "after": "b"} ]""")]
    [InlineData("""[ {"id": "a", "capability": "a", "then": []} ]""")]
    [InlineData("""[ {"id": "a", "capability": "a"} ] trailing""")]
    [InlineData("""[ {"id": "Upper", "capability": "a"} ]""")]
    [InlineData("""[ {"id": "a", "capability": "has space"} ]""")]
    [InlineData("""[ {"id": "", "capability": "a"} ]""")]
    public void A_malformed_explicit_plan_is_rejected(string json) => Rejected(PlanRequest.FromJson(json), ErrorCodes.InvalidPlan);

    [Fact]
    public void More_steps_than_the_maximum_are_rejected()
    {
        Rejected(PlanRequest.FromCapabilities("a", "b", "c"), ErrorCodes.InvalidPlan, maxSteps: 2);
        Rejected(PlanRequest.FromJson("""[ {"id": "1", "capability": "a"}, {"id": "2", "capability": "a"}, {"id": "3", "capability": "a"} ]"""),
            ErrorCodes.InvalidPlan, maxSteps: 2);
        Rejected(PlanRequest.FromTemplate("rag-qa"), ErrorCodes.InvalidPlan, maxSteps: 2);
        Assert.IsType<PlanResult.Planned>(Plan(PlanRequest.FromCapabilities("a", "b"), maxSteps: 2));
    }

    [Fact]
    public void Templates_bind_from_hocon_and_an_operator_can_add_one()
    {
        var pot = ConfigurationFactory.ParseString("""
            pot.orchestration.templates.translate-twice = [ { id = one, capability = translate }, { id = two, capability = translate, after = [one] } ]
            """).WithFallback(PotConfig.Embedded("pot.conf")).GetConfig("pot");

        var options = OrchestrationOptions.FromConfig(pot);

        Assert.Equal(["rag-qa", "summarize", "translate-twice"], options.Templates.Templates.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(16, options.MaxPlanSteps);
        Assert.Equal(RoutingWeights.Default, options.Routing);
    }

    [Theory]
    [InlineData("pot.orchestration.templates.bad = [ { id = a, capability = a, after = [b] } ]")]
    [InlineData("pot.orchestration.templates.bad = [ { id = a, capability = a, after = [a] } ]")]
    [InlineData("pot.orchestration.templates.bad = [ { id = a } ]")]
    [InlineData("pot.orchestration.templates.bad = [ { id = a, capability = a, then = [] } ]")]
    [InlineData("pot.orchestration.templates.bad = []")]
    [InlineData("pot.orchestration.templates.bad = { id = a }")]
    public void A_broken_template_stops_the_node_at_start(string hocon)
    {
        var pot = ConfigurationFactory.ParseString(hocon).WithFallback(PotConfig.Embedded("pot.conf")).GetConfig("pot");

        Assert.Throws<ConfigurationException>(() => PlanTemplates.FromConfig(pot));
    }
}
