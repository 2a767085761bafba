using System.Collections.Immutable;
using FsCheck;
using FsCheck.Fluent;
using Newtonsoft.Json.Linq;
using PoT.Hosting;
using PoT.Orchestration;
using PoT.Persistence;
using PoT.Protocol;
using PoT.Specs.Support;
using Xunit;

namespace PoT.Specs.Orchestration;

/// <summary>The money rules of a task, without actors: what is reserved, paid once, refunded.</summary>
public sealed class TaskRulesSpecs
{
    private static readonly TaskOptions Options = PotConfig.Load().Tasks;
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);
    private static readonly Address Provider = Keys.Bob.Address;

    private static OpenTask Open(UInt128 budget, PlanRequest plan, string taskId = "t-1", long stampOrdering = 10) =>
        new(Keys.Alice.Address, taskId, "answer a question", plan, "what is PoT?", budget, Now.AddMinutes(10), "0xcmd-" + stampOrdering,
            new RelayStamp(stampOrdering, 0));

    /// <summary>Applies a decision's events, failing on anything but acceptance.</summary>
    private static TaskState Accept(TaskState s, Decision d, out ImmutableArray<PotEvent> events)
    {
        var accept = Assert.IsType<Decision.Accept>(d);
        events = accept.Events;
        return events.Aggregate(s, (state, e) => state.Apply(e));
    }

    private static TaskState Accept(TaskState s, Decision d) => Accept(s, d, out _);

    private static TaskState Opened(UInt128 budget, params string[] capabilities) =>
        Accept(TaskState.Empty("t-1"), TaskRules.Open(TaskState.Empty("t-1"), Open(budget, PlanRequest.FromCapabilities(capabilities)), Options));

    private static RecordCallResult Ok(string step, int call, long latency = 40) =>
        new(step, call, true, new JValue("out-" + step), null, null, latency, [new CallAttempt(1, true, 200, null, latency)]);

    private static RecordCallResult Failed(string step, int call, string code = "agent-error") =>
        new(step, call, false, null, code, "boom", 12, [new CallAttempt(1, false, 500, code, 12)]);

    [Fact]
    public void A_task_completes_pays_each_step_once_and_refunds_the_rest()
    {
        var s = Opened(1000, "retrieve", "answer");
        s = Accept(s, TaskRules.Dispatch(s, new DispatchCall("step-1", "a1", Provider, 100), Options));
        Assert.Equal((UInt128)900, s.Available);
        s = Accept(s, TaskRules.Result(s, Ok("step-1", 1), Options));
        s = Accept(s, TaskRules.Dispatch(s, new DispatchCall("step-2", "a2", Provider, 250), Options));
        s = Accept(s, TaskRules.Result(s, Ok("step-2", 1), Options), out var last);

        var stopped = Assert.IsType<TaskStopped>(last[^1]);
        Assert.Equal(TaskStopReason.Completed, stopped.Reason);
        Assert.Equal(((UInt128)350, (UInt128)650), (stopped.Spent, stopped.Refund));
        Assert.Equal(TaskPhase.Stopped, s.Phase);
        Assert.Equal(UInt128.Zero, s.Held);
        var paid = Assert.IsType<StepSucceeded>(last[0]);
        Assert.Equal((UInt128)250, paid.Fees.Provider + paid.Fees.Validators + paid.Fees.Treasury);
    }

    [Fact]
    public void A_call_given_up_on_that_answers_later_is_recorded_and_never_paid()
    {
        var s = Opened(1000, "answer");
        s = Accept(s, TaskRules.Dispatch(s, new DispatchCall("step-1", "slow", Provider, 100), Options));
        s = Accept(s, TaskRules.Result(s, Failed("step-1", 1, "step-timeout"), Options));
        s = Accept(s, TaskRules.Dispatch(s, new DispatchCall("step-1", "fast", Provider, 100), Options));

        s = Accept(s, TaskRules.Result(s, Ok("step-1", 1, latency: 900), Options), out var late);

        Assert.IsType<LateResultIgnored>(Assert.Single(late));
        Assert.Equal(UInt128.Zero, s.Spent);
        Assert.Equal((UInt128)100, s.Reserved);
        // The same late answer again changes nothing.
        Assert.IsType<Decision.AlreadyDone>(TaskRules.Result(s, Ok("step-1", 1, latency: 900), Options));
        s = Accept(s, TaskRules.Result(s, Ok("step-1", 2), Options), out var paid);
        Assert.Equal((UInt128)100, s.Spent);
        Assert.Single(paid.OfType<StepSucceeded>());
        Assert.Equal((UInt128)900, Assert.IsType<TaskStopped>(paid[^1]).Refund);
    }

    [Fact]
    public void A_call_is_not_dispatched_beyond_what_the_escrow_has_left()
    {
        var s = Opened(150, "retrieve", "answer");
        s = Accept(s, TaskRules.Dispatch(s, new DispatchCall("step-1", "a1", Provider, 100), Options));
        s = Accept(s, TaskRules.Result(s, Ok("step-1", 1), Options));

        var refused = Assert.IsType<Decision.Reject>(TaskRules.Dispatch(s, new DispatchCall("step-2", "a2", Provider, 60), Options));
        Assert.Equal(ErrorCodes.InsufficientFunds, refused.Error.Code);
        s = Accept(s, TaskRules.Stop(s, new StopTask(TaskStopReason.BudgetExhausted, "the cheapest agent asks 60"), Now), out var stop);
        Assert.Equal(((UInt128)100, (UInt128)50), (((TaskStopped)stop[0]).Spent, ((TaskStopped)stop[0]).Refund));
        Assert.Equal(TaskStopReason.BudgetExhausted, s.StopReason);
    }

    [Fact]
    public void A_step_waits_for_the_steps_it_follows_and_an_agent_is_tried_once_per_step()
    {
        var s = Opened(1000, "retrieve", "answer");
        Assert.IsType<Decision.Reject>(TaskRules.Dispatch(s, new DispatchCall("step-2", "a2", Provider, 1), Options));
        s = Accept(s, TaskRules.Dispatch(s, new DispatchCall("step-1", "a1", Provider, 1), Options));
        Assert.IsType<Decision.Reject>(TaskRules.Dispatch(s, new DispatchCall("step-1", "a3", Provider, 1), Options));
        s = Accept(s, TaskRules.Result(s, Failed("step-1", 1), Options));
        Assert.IsType<Decision.Reject>(TaskRules.Dispatch(s, new DispatchCall("step-1", "a1", Provider, 1), Options));
        Accept(s, TaskRules.Dispatch(s, new DispatchCall("step-1", "a3", Provider, 1), Options));
    }

    [Fact]
    public void The_deadline_stops_a_task_only_once_it_has_passed_and_abandons_calls_in_flight()
    {
        var s = Opened(1000, "answer");
        s = Accept(s, TaskRules.Dispatch(s, new DispatchCall("step-1", "a1", Provider, 100), Options));
        var early = new StopTask(TaskStopReason.DeadlineExceeded, "deadline");
        Assert.IsType<Decision.Reject>(TaskRules.Stop(s, early, Now));

        s = Accept(s, TaskRules.Stop(s, early, Now.AddMinutes(11)));

        Assert.Equal((TaskStopReason.DeadlineExceeded, (UInt128)1000), (s.StopReason!.Value, s.Refunded));
        Assert.Equal("abandoned", s.Steps[0].Calls[0].Code);
        // The abandoned call's answer arrives: recorded, not paid.
        Accept(s, TaskRules.Result(s, Ok("step-1", 1), Options), out var late);
        Assert.IsType<LateResultIgnored>(Assert.Single(late));
    }

    [Fact]
    public void An_escrow_for_a_task_id_in_use_goes_back_and_a_redelivery_changes_nothing()
    {
        var s = Opened(1000, "answer");
        var other = Open(500, PlanRequest.FromCapabilities("answer"), stampOrdering: 20);

        s = Accept(s, TaskRules.Open(s, other, Options), out var refused);

        var refusal = Assert.IsType<TaskRefused>(Assert.Single(refused));
        Assert.Equal(((UInt128)500, ErrorCodes.TaskExists), (refusal.Budget, refusal.Reason));
        Assert.Equal((UInt128)1000, s.Budget);
        Assert.IsType<Decision.AlreadyDone>(TaskRules.Open(s, other, Options));
        Assert.IsType<Decision.AlreadyDone>(TaskRules.Open(s, Open(1000, PlanRequest.FromCapabilities("answer")), Options));
    }

    [Fact]
    public void A_plan_that_cannot_run_stops_the_task_at_once_with_a_full_refund()
    {
        var cyclic = PlanRequest.FromJson("""[{"id":"a","capability":"x","after":["b"]},{"id":"b","capability":"y","after":["a"]}]""");

        var s = Accept(TaskState.Empty("t-1"), TaskRules.Open(TaskState.Empty("t-1"), Open(700, cyclic), Options), out var events);

        var stop = Assert.IsType<TaskStopped>(events[^1]);
        Assert.Equal((TaskStopReason.Failed, (UInt128)700), (stop.Reason, stop.Refund));
        Assert.StartsWith(ErrorCodes.PlanCycle, stop.Message);
        Assert.Equal(UInt128.Zero, s.Held);
    }

    [Fact]
    public void Fees_split_by_the_configured_shares_with_the_protocol_shares_rounded_up()
    {
        // 7 % of 999 = 69.93 and 3 % = 29.97: rounded up, so that no paid call pays the protocol nothing.
        var split = Options.Split(999);
        Assert.Equal(((UInt128)70, (UInt128)30), (split.Validators, split.Treasury));
        Assert.Equal((UInt128)999, split.Provider + split.Validators + split.Treasury);
    }

    /// <summary>Random histories of dispatches, results (in time, failed, late) and stops, as an executor might report
    /// them: whatever is accepted, the escrow is never overdrawn, a step is paid at most once, what is paid is the sum
    /// of the successful calls' prices, and a stopped task has spent + refunded = budget with nothing held.</summary>
    [Fact]
    public void Money_adds_up_whatever_the_executor_reports()
    {
        var histories = Gen.Choose(1, 4).SelectMany(steps => Gen.Choose(1, 400).SelectMany(budget =>
            Gen.ListOf(Gen.Choose(0, 10_000)).Select(moves => (steps, budget, moves: moves.ToArray()))));
        Prop.ForAll(histories.ToArbitrary(), h =>
        {
            var capabilities = Enumerable.Range(1, h.steps).Select(i => $"cap-{i}").ToArray();
            var s = Opened((UInt128)h.budget, capabilities);
            var paid = new List<StepSucceeded>();
            foreach (var move in h.moves)
            {
                var decision = Move(s, move);
                if (decision is not Decision.Accept accept) continue;
                foreach (var e in accept.Events)
                {
                    s = s.Apply(e);
                    if (e is StepSucceeded ok) paid.Add(ok);
                }
                Assert.True(s.Spent + s.Reserved + s.Refunded <= s.Budget, $"overdrawn: {s.Spent} + {s.Reserved} + {s.Refunded} > {s.Budget}");
            }
            Assert.Equal(s.Spent, paid.Aggregate(UInt128.Zero, (sum, p) => sum + p.Price));
            Assert.Equal(paid.Count, paid.Select(p => p.StepId).Distinct().Count());
            Assert.All(paid, p => Assert.Equal(p.Price, p.Fees.Provider + p.Fees.Validators + p.Fees.Treasury));
            if (s.Phase == TaskPhase.Stopped)
                Assert.Equal((s.Budget, UInt128.Zero, UInt128.Zero), (s.Spent + s.Refunded, s.Held, s.Reserved));
            else
                Assert.Equal(s.Budget - s.Spent, s.Held);
        }).QuickCheckThrowOnFailure();

        static Decision Move(TaskState s, int move)
        {
            var (kind, n) = (move % 6, move / 6);
            var steps = s.Steps;
            var step = steps[n % steps.Length];
            var call = step.Calls.Count == 0 ? 1 : step.Calls[n % step.Calls.Count].Call;
            return kind switch
            {
                0 or 1 => TaskRules.Dispatch(s, new DispatchCall(step.Plan.Id, $"agent-{n % 5}", Provider, (UInt128)(n % 120)), Options),
                2 => TaskRules.Result(s, Ok(step.Plan.Id, call, latency: n % 900), Options),
                3 => TaskRules.Result(s, Failed(step.Plan.Id, call, n % 2 == 0 ? "agent-error" : "step-timeout"), Options),
                4 => TaskRules.Stop(s, new StopTask((TaskStopReason)(1 + n % 4), "guard"), Now.AddMinutes(n % 20)),
                _ => TaskRules.Result(s, Failed(step.Plan.Id, call, StepCallFailed.Interrupted), Options)
            };
        }
    }
}
