using System.Collections.Immutable;
using FsCheck;
using FsCheck.Fluent;
using PoT.Consensus;
using PoT.Protocol;
using PoT.Specs.Support;
using Xunit;

namespace PoT.Specs.Consensus;

/// <summary>
/// Properties over random committees, stakes and votes:
/// 1. Byzantine stake at or below the threshold never decides a verdict against the honest majority, whatever
///    the Byzantine members do (vote the other way, any score, stay silent, equivocate);
/// 2. random rounds through every context (rewards, slashes, burns, bounties, random delivery order and
///    redelivery) keep token conservation to the unit, emission counted, and replay to the same state.
/// </summary>
public sealed class ConsensusProperties
{
    private sealed record Member(ulong Stake, bool Byzantine, int Behaviour, uint Score, bool HonestReveals);

    private sealed record Case(int ThresholdBps, Verdict Honest, Member[] Members);

    private static readonly Gen<Case> RandomCases =
        from threshold in Gen.Elements(5000, 6667)
        from honest in Gen.Elements(Verdict.Approve, Verdict.Reject)
        from size in Gen.Choose(1, 15)
        from members in Gen.ListOf(
            from stake in Gen.Choose(1, 1_000_000)
            from byzantine in Gen.Frequency((2, Gen.Constant(true)), (3, Gen.Constant(false)))
            from behaviour in Gen.Choose(0, 3)
            from score in Gen.Choose(0, 1_000_000)
            from reveals in Gen.Frequency((4, Gen.Constant(true)), (1, Gen.Constant(false)))
            select new Member((ulong)stake, byzantine, behaviour, (uint)score, reveals), size)
        select new Case(threshold, honest, [.. members]);

    /// <summary>Byzantine stake exactly at the threshold: the edge where "strictly more" matters.</summary>
    private static readonly Gen<Case> BoundaryCases =
        from half in Gen.Elements(true, false)
        from honest in Gen.Elements(Verdict.Approve, Verdict.Reject)
        from behaviour in Gen.Choose(0, 3)
        select half
            ? new Case(5000, honest, [new Member(5_000, true, behaviour, 1, true), new Member(5_000, false, 0, 2, true)])
            : new Case(6667, honest, [new Member(6_667, true, behaviour, 1, true), new Member(3_333, false, 0, 2, true)]);

    private static readonly Gen<Case> Cases = Gen.Frequency((4, RandomCases), (1, BoundaryCases));

    [Fact]
    public void Byzantine_stake_at_or_below_the_threshold_never_decides_against_the_honest_majority()
    {
        var property = Prop.ForAll(Arb.From(Cases), c =>
        {
            var total = c.Members.Aggregate(UInt128.Zero, (s, m) => s + m.Stake);
            var byzantine = c.Members.Where(m => m.Byzantine).Aggregate(UInt128.Zero, (s, m) => s + m.Stake);
            // Only cases the property speaks of: Byzantine stake within the threshold.
            if ((System.Numerics.BigInteger)byzantine * Basis.Points > (System.Numerics.BigInteger)total * c.ThresholdBps) return true;

            var against = c.Honest == Verdict.Approve ? Verdict.Reject : Verdict.Approve;
            var ballots = c.Members.Select((m, i) => m.Byzantine
                ? m.Behaviour switch
                {
                    0 => new Ballot(Key(i), m.Stake, true, against, m.Score, false),        // votes the other way
                    1 => new Ballot(Key(i), m.Stake, true, null, 0, false),                  // commits, never reveals
                    2 => new Ballot(Key(i), m.Stake, true, against, m.Score, true),          // equivocates
                    _ => new Ballot(Key(i), m.Stake, false, null, 0, false)                  // silent
                }
                : new Ballot(Key(i), m.Stake, true, m.HonestReveals ? c.Honest : null, m.Score, false)).ToImmutableArray();
            var p = new RoundParameters(c.ThresholdBps, 5000, 5000, 5000, 1000);
            var result = Tally.Decide(ballots, total, p);
            var byzantineKeys = c.Members.Select((m, i) => (m, i)).Where(x => x.m.Byzantine).Select(x => Key(x.i)).ToHashSet();

            var honestRevealed = c.Members.Where(m => !m.Byzantine && m.HonestReveals).Aggregate(UInt128.Zero, (s, m) => s + m.Stake);
            var honestDecides = (System.Numerics.BigInteger)honestRevealed * Basis.Points > (System.Numerics.BigInteger)total * c.ThresholdBps;
            var opposite = c.Honest == Verdict.Approve ? RoundVerdict.Rejected : RoundVerdict.Approved;
            var expected = c.Honest == Verdict.Approve ? RoundVerdict.Approved : RoundVerdict.Rejected;
            // Nobody who voted against the honest verdict earns by it.
            return result.Verdict != opposite && (!honestDecides || result.Verdict == expected)
                && (result.Verdict != expected || result.Winners.All(w => !byzantineKeys.Contains(w.To)));
        });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(2_000), property);
    }

    private static Address Key(int i) => Keys.Of(i);

    private sealed record RoundPlan(int Validators, ulong[] Stakes, int[] Behaviour, uint[] Scores, int Deliveries, bool Twice, int Honest);

    private static readonly Gen<RoundPlan[]> Plans = Gen.ListOf(
        from validators in Gen.Choose(4, 7)
        from stakes in Gen.ListOf(Gen.Choose(1_000, 50_000).Select(x => (ulong)x), 7)
        from behaviour in Gen.ListOf(Gen.Choose(0, 5), 7)
        from scores in Gen.ListOf(Gen.Choose(0, 1_000_000).Select(x => (uint)x), 7)
        from deliveries in Gen.Choose(0, 6)
        from twice in Gen.Elements(false, true)
        from honest in Gen.Choose(0, 2)
        select new RoundPlan(validators, [.. stakes], [.. behaviour], [.. scores], deliveries, twice, honest), 4).Select(l => l.ToArray());

    [Fact]
    public void Rounds_rewards_slashes_and_burns_conserve_tokens_after_every_step_and_replay_exactly()
    {
        var property = Prop.ForAll(Arb.From(Plans), plans =>
        {
            foreach (var plan in plans) RunRound(plan);
            return true;
        });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(60), property);
    }

    private static void RunRound(RoundPlan plan)
    {
        var s = new ConsensusScenario(plan.Validators, i => plan.Stakes[i]);
        var net = s.Net;
        void Conserved() => Assert.Equal(net.Supply, checked(net.Held + net.InFlight));
        var round = s.OpenRound();
        var committee = s.Committee(round);
        var verdicts = new[] { Verdict.Approve, Verdict.Reject };
        for (var i = 0; i < committee.Count; i++)
        {
            var behaviour = plan.Behaviour[i];
            if (behaviour == 5) continue; // silent
            var verdict = behaviour == 1 ? verdicts[1 - plan.Honest % 2] : verdicts[plan.Honest % 2];
            ConsensusScenario.Expect(s.Commit(round, committee[i], verdict, plan.Scores[i]));
            if (behaviour == 2) s.Commit(round, committee[i], verdict, plan.Scores[i] / 2 + 1); // equivocates
            Conserved();
            for (var d = 0; d < plan.Deliveries && net.PendingDeliveries > 0; d++) net.DeliverOne(plan.Twice);
        }
        net.Advance(TimeSpan.FromMinutes(10));
        for (var i = 0; i < committee.Count; i++)
        {
            if (plan.Behaviour[i] is 3 or 5 || net.Round(round).Outcome is not null) continue; // 3: commits, never reveals
            s.Reveal(round, committee[i]);
            Conserved();
            if (net.PendingDeliveries > 0) net.DeliverOne(plan.Twice);
        }
        net.Advance(TimeSpan.FromMinutes(10));
        Assert.NotNull(net.Round(round).Outcome);
        Conserved();
        net.DeliverAll();
        Assert.Equal(net.Supply, net.Held);
        // Emission follows the schedule, never the rounds: at most what the epochs passed scheduled.
        Assert.True(net.Emitted <= net.Emission.ScheduledBefore, $"minted {net.Emitted} of {net.Emission.ScheduledBefore} scheduled");

        var (accounts, agents, rounds, validators) = net.Replay();
        foreach (var (address, account) in net.Accounts) Assert.Equal(PoT.Persistence.PotJson.Serialize(account), PoT.Persistence.PotJson.Serialize(accounts[address]));
        foreach (var (id, agent) in net.Agents) Assert.Equal(PoT.Persistence.PotJson.Serialize(agent), PoT.Persistence.PotJson.Serialize(agents[id]));
        Assert.Equal(PoT.Persistence.PotJson.Serialize(net.Round(round)), PoT.Persistence.PotJson.Serialize(rounds[round]));
        Assert.Equal(PoT.Persistence.PotJson.Serialize(net.Validators), PoT.Persistence.PotJson.Serialize(validators));
    }
}
