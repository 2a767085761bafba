using PoT.Hosting;
using PoT.Orchestration;
using PoT.Protocol;
using PoT.Specs.Support;
using Xunit;

namespace PoT.Specs.Orchestration;

/// <summary>What the edge refuses before anything is escrowed, each with its code.</summary>
public sealed class TaskAdmissionSpecs
{
    private static readonly TaskOptions Options = PotConfig.Load().Tasks;
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);
    private static readonly ulong InTenMinutes = (ulong)Now.AddMinutes(10).ToUnixTimeSeconds();

    private static SubmitTask Task(string taskId = "t-1", string input = "hi", ulong? deadline = null, string capability = "answer") =>
        new(Keys.Alice.Address, taskId, "", "", [capability], "", input, 100, deadline ?? InTenMinutes, 0);

    private static string? Code(SubmitTask t) => TaskAdmission.Check(t, Options, c => c == "answer", Now)?.Code;

    [Fact]
    public void A_well_formed_task_with_an_offered_capability_is_admitted() => Assert.Null(Code(Task()));

    [Theory]
    [InlineData("T-1")]
    [InlineData("x")]
    [InlineData("has space")]
    public void A_malformed_task_id_is_an_invalid_field(string taskId) => Assert.Equal(ErrorCodes.InvalidField, Code(Task(taskId)));

    [Fact]
    public void An_input_over_the_limit_is_refused() =>
        Assert.Equal(ErrorCodes.InvalidField, Code(Task(input: new string('x', Options.MaxInputBytes + 1))));

    [Fact]
    public void A_deadline_in_the_past_or_too_far_ahead_is_refused()
    {
        Assert.Equal(ErrorCodes.DeadlinePassed, Code(Task(deadline: (ulong)Now.ToUnixTimeSeconds())));
        Assert.Equal(ErrorCodes.InvalidField, Code(Task(deadline: (ulong)Now.Add(Options.MaxDeadline).AddSeconds(1).ToUnixTimeSeconds())));
    }

    [Fact]
    public void A_capability_no_listed_agent_offers_is_refused_with_its_planner_code() =>
        Assert.Equal(ErrorCodes.NoAgentForCapability, Code(Task(capability: "translate")));
}
