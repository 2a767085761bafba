using System.Collections.Immutable;
using FsCheck;
using FsCheck.Fluent;
using PoT.Consensus;
using PoT.Persistence;
using PoT.Protocol;
using PoT.Specs.Support;
using Xunit;

namespace PoT.Specs.Consensus;

/// <summary>The emission schedule's pure rules (docs/consensus.md, "Emission"): the amounts, the cap, the split by what
/// was measured, epochs skipped while no node ticked, and redelivery.</summary>
public sealed class EmissionRulesSpecs
{
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly EmissionSchedule Schedule = new(TimeSpan.FromHours(1), 10_000, 100, 1_000_000, 3000, 5000);
    private static readonly Address V1 = Keys.Of(1), V2 = Keys.Of(2), Provider = Keys.Alice.Address, User = Keys.Bob.Address;
    private static int _stamp;

    private static EmissionState Started() => Step(EmissionState.Empty, EmissionRules.Close(EmissionState.Empty, Start, Schedule));

    private static EmissionState Step(EmissionState s, Decision d) => d is Decision.Accept a ? a.Events.Aggregate(s, (x, e) => x.Apply(e)) : s;

    private static EmissionState Deliver(EmissionState s, IPotMessage m) => Step(s, EmissionRules.Decide(s, m));

    private static RelayStamp Stamp() => new(Interlocked.Increment(ref _stamp), 0);

    private static RecordJudgement Judged(string agent, RoundVerdict verdict, uint score, params (Address To, ulong Weight)[] winners) =>
        new($"{agent}.1", agent, Provider, verdict, score, [.. winners.Select(w => new Weighted(w.To, w.Weight))], Stamp());

    private static EpochClosed Close(EmissionState s, DateTimeOffset at) =>
        (EpochClosed)Assert.IsType<Decision.Accept>(EmissionRules.Close(s, at, Schedule)).Events.Single();

    [Fact]
    public void The_first_tick_starts_the_schedule_and_fixes_it()
    {
        var s = Started();

        Assert.Equal(Schedule, s.Schedule);
        Assert.Equal(Start + Schedule.EpochLength, s.EpochEnd);
        Assert.Equal(10_000u, (ulong)s.ThisEpoch);
        // A later configuration changes nothing: the schedule the journal recorded rules.
        Assert.IsType<Decision.AlreadyDone>(EmissionRules.Close(s, Start.AddMinutes(59), Schedule with { FirstEpoch = 1 }));
    }

    [Fact]
    public void An_epoch_closes_only_once_it_has_ended()
    {
        var s = Started();

        Assert.IsType<Decision.AlreadyDone>(EmissionRules.Close(s, Start + Schedule.EpochLength - TimeSpan.FromTicks(1), Schedule));
        Assert.Equal(0, Close(s, Start + Schedule.EpochLength).Epoch);
    }

    [Fact]
    public void An_epoch_nobody_earned_in_mints_nothing_and_the_schedule_decays_anyway()
    {
        var s = Started();

        var closed = Close(s, Start.AddHours(1));
        s = s.Apply(closed);

        Assert.Equal((10_000u, 0u, 1L), ((ulong)closed.Scheduled, (ulong)closed.Minted, closed.NextEpoch));
        Assert.Empty(closed.Payouts);
        Assert.Equal(9_900u, (ulong)s.ThisEpoch);
        Assert.Equal(10_000u, (ulong)s.ScheduledBefore);
    }

    [Fact]
    public void Validators_share_their_part_by_the_weights_of_the_rounds_they_won()
    {
        var s = Deliver(Started(), Judged("a", RoundVerdict.Approved, 900_000, (V1, 3), (V2, 1)));
        s = Deliver(s, Judged("b", RoundVerdict.Rejected, 0, (V1, 1), (V2, 3)));

        var closed = Close(s, Start.AddHours(1));

        // 30 % of 10,000 split 4 : 4; nobody paid for a call, so the providers' 70 % is not minted.
        Assert.Equal(2, closed.Payouts.Length);
        Assert.All(closed.Payouts, p => Assert.Equal((1_500u, (string?)null), ((ulong)p.Amount, p.AgentId)));
        Assert.Equal(3_000u, (ulong)closed.Minted);
    }

    [Fact]
    public void Providers_earn_by_validated_score_times_fees_paid_and_never_more_than_the_cap_of_those_fees()
    {
        var s = Deliver(Started(), Judged("good", RoundVerdict.Approved, 900_000));
        s = Deliver(s, Judged("rejected", RoundVerdict.Rejected, 0));
        s = Deliver(s, new RecordUsage("good", Provider, User, 1_000, Stamp()));
        s = Deliver(s, new RecordUsage("rejected", Provider, User, 1_000, Stamp()));
        s = Deliver(s, new RecordUsage("unjudged", Provider, User, 1_000, Stamp()));

        var closed = Close(s, Start.AddHours(1));

        // Only the listed agent earns: its share of the providers' 7,000 is all of it, capped at 50 % of its 1,000 fees.
        var payout = Assert.Single(closed.Payouts);
        Assert.Equal((Provider, 500u, "good"), (payout.To, (ulong)payout.Amount, payout.AgentId));
    }

    [Fact]
    public void Shares_split_by_score_times_fees_when_the_caps_do_not_bind()
    {
        var s = Deliver(Started(), Judged("a", RoundVerdict.Approved, 1_000_000));
        s = Deliver(s, Judged("b", RoundVerdict.Approved, 500_000));
        s = Deliver(s, new RecordUsage("a", Provider, User, 100_000, Stamp()));
        s = Deliver(s, new RecordUsage("b", Keys.Carol.Address, User, 100_000, Stamp()));

        var closed = Close(s, Start.AddHours(1));

        // 7,000 split 2 : 1 (score 1.0 against 0.5, equal fees), floor division.
        Assert.Equal([("a", 4_666u), ("b", 2_333u)], closed.Payouts.Select(p => (p.AgentId!, (ulong)p.Amount)));
        Assert.Equal(Keys.Carol.Address, closed.Payouts.Single(p => p.AgentId == "b").To);
    }

    [Fact]
    public void A_provider_paying_its_own_agent_measures_no_usage()
    {
        var s = Deliver(Started(), new RecordUsage("a", Provider, Provider, 1_000, Stamp()));

        Assert.Empty(s.Usage);
    }

    [Fact]
    public void A_redelivered_measurement_counts_once()
    {
        var usage = new RecordUsage("a", Provider, User, 1_000, Stamp());
        var s = Deliver(Deliver(Started(), usage), usage);

        Assert.Equal(1_000u, (ulong)s.Usage["a"].Fees);
    }

    [Fact]
    public void Epochs_that_passed_while_no_node_ticked_are_skipped_their_schedule_decayed_and_unminted()
    {
        var s = Deliver(Started(), Judged("a", RoundVerdict.Approved, 900_000, (V1, 1)));

        var closed = Close(s, Start.AddHours(5.5));
        s = s.Apply(closed);

        Assert.Equal((0L, 5L), (closed.Epoch, closed.NextEpoch));
        Assert.Equal(3_000u, (ulong)closed.Minted);
        // Epochs 0–4 scheduled 10,000 + 9,900 + 9,801 + 9,702 + 9,604; epoch 5 schedules 9,507.
        Assert.Equal(49_007u, (ulong)s.ScheduledBefore);
        Assert.Equal(9_507u, (ulong)s.ThisEpoch);
        Assert.Equal(Start.AddHours(6), s.EpochEnd);
    }

    [Fact]
    public void The_cap_is_never_exceeded_and_scheduling_stops_at_it()
    {
        var small = Schedule with { SupplyCap = 25_000 };
        var s = Step(EmissionState.Empty, EmissionRules.Close(EmissionState.Empty, Start, small));
        for (var epoch = 1; epoch <= 4; epoch++)
            s = Step(s, EmissionRules.Close(s, Start.AddHours(epoch), small));

        Assert.Equal(25_000u, (ulong)s.ScheduledBefore);
        Assert.Equal(0u, (ulong)s.ThisEpoch);
    }

    [Fact]
    public void A_flat_schedule_skips_a_long_outage_in_one_step()
    {
        var flat = Schedule with { DecayBps = 0, SupplyCap = UInt128.MaxValue };
        var s = Step(EmissionState.Empty, EmissionRules.Close(EmissionState.Empty, Start, flat));

        s = Step(s, EmissionRules.Close(s, Start.AddYears(1000), flat));

        Assert.Equal(10_000u * (UInt128)s.Epoch, s.ScheduledBefore);
        Assert.Equal(10_000u, (ulong)s.ThisEpoch);
    }

    [Fact]
    public void Whatever_is_measured_an_epoch_mints_at_most_what_it_scheduled()
    {
        var gen =
            from judged in Gen.ListOf(Gen.Choose(0, 1_000_000).Select(x => (uint)x), 5)
            from fees in Gen.ListOf(Gen.Choose(0, 5_000_000).Select(x => (ulong)x), 5)
            from weights in Gen.ListOf(Gen.Choose(0, int.MaxValue).Select(x => (ulong)x), 5)
            from hours in Gen.Choose(1, 400)
            select (judged, fees, weights, hours);
        Prop.ForAll(Arb.From(gen), c =>
        {
            var s = Started();
            for (var i = 0; i < 5; i++)
            {
                s = Deliver(s, Judged($"agent-{i}", RoundVerdict.Approved, c.judged[i], (Keys.Of(i), c.weights[i])));
                s = Deliver(s, new RecordUsage($"agent-{i}", Keys.Of(10 + i), User, c.fees[i], Stamp()));
            }
            var closed = Close(s, Start.AddHours(c.hours));
            Assert.True(closed.Minted <= closed.Scheduled);
            Assert.Equal(closed.Minted, closed.Payouts.Aggregate(UInt128.Zero, (t, p) => t + p.Amount));
            foreach (var p in closed.Payouts.Where(p => p.AgentId is not null))
                Assert.True(p.Amount * 2 <= s.Usage[p.AgentId!].Fees, $"{p.AgentId} earned {p.Amount} on {s.Usage[p.AgentId!].Fees} of fees");
            var after = s.Apply(closed);
            Assert.True(after.ScheduledBefore <= Schedule.SupplyCap);
        }).QuickCheckThrowOnFailure();
    }
}
