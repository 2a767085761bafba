using FsCheck;
using FsCheck.Fluent;
using PoT.Consensus;
using PoT.Ledger;
using PoT.Persistence;
using PoT.Registry;
using PoT.Reputation;
using PoT.Specs.Support;
using Xunit;

namespace PoT.Specs.Reputation;

/// <summary>The reputation formulas of docs/reputation.md, as pure folds over journals the real rules produced
/// (<see cref="ConsensusScenario"/>), without actors.</summary>
public sealed class ReputationStateSpecs
{
    private static readonly ReputationParameters P = ReputationParameters.Default;

    private static ReputationState Fold(InMemoryNetwork net) =>
        net.Journal.Select((j, i) => (j, i)).Aggregate(ReputationState.Empty, (s, x) => s.Apply(x.j.PersistenceId, x.j.SequenceNr, x.j.Event, x.i + 1, P));

    private static (ConsensusScenario S, string Round) Judged(Func<int, (Verdict, uint)> vote)
    {
        var s = new ConsensusScenario();
        var round = s.OpenRound();
        s.Vote(round, s.Committee(round).Select((v, i) => (v, vote(i).Item1, vote(i).Item2, true)));
        s.Net.DeliverAll();
        return (s, round);
    }

    [Theory]
    [InlineData(0u, 800_000u, false, 3000, 800_000u)]
    [InlineData(800_000u, 500_000u, true, 3000, 710_000u)]
    [InlineData(710_000u, 1_000_000u, true, 3000, 797_000u)]
    [InlineData(999_999u, 0u, true, 10_000, 0u)]
    [InlineData(333_333u, 1u, true, 1, 333_299u)]
    public void The_moving_average_starts_at_the_first_value_then_weights_the_newest_by_alpha(uint previous, uint value, bool hasPrevious, int alpha,
        uint expected)
    {
        Assert.Equal(expected, ReputationState.Ema(previous, value, hasPrevious, alpha));
    }

    [Fact]
    public void An_approved_round_lists_the_agent_scores_it_and_counts_its_committee()
    {
        var (s, round) = Judged(i => (Verdict.Approve, i == 0 ? 700_000u : 900_000u));
        var finalized = s.Net.Journal.Select(j => j.Event).OfType<RoundFinalized>().Single();
        // The epoch the round was judged in closes: the winners' emission is credited to their rows.
        s.Net.Advance(Rules.Emission.EpochLength);
        s.Net.DeliverAll();

        var r = Fold(s.Net);
        var closed = s.Net.Journal.Select(j => j.Event).OfType<EpochClosed>().First(c => c.Minted > UInt128.Zero);
        foreach (var payout in closed.Payouts.Where(p => p.AgentId is null))
            Assert.Equal(payout.Amount, r.Validators[payout.To.Value].Rewards);
        Assert.Equal(closed.Minted, r.Network.Emitted);

        var agent = r.Agents[ConsensusScenario.AgentId];
        Assert.Equal((AgentStatus.Listed, 1, 1, 0, finalized.ConsensusScore, round), (agent.Status, agent.Rounds, agent.Approved, agent.Rejected, agent.Score,
            agent.LastRound));
        Assert.Equal(ConsensusScenario.AgentStake, (ulong)agent.Stake);
        foreach (var m in finalized.Members)
        {
            var v = r.Validators[m.Validator.Value];
            Assert.Equal((1, m.Agreement, 0), (v.Rounds, v.Agreement, v.Misses));
        }
        var provider = r.Providers[s.Provider.Address.Value];
        Assert.Equal((1, 1, 1, agent.Score), (provider.Agents, provider.Listed, provider.Judged, provider.Score));
        Assert.Equal(Rules.Ledger.ProofBond, s.Net.Journal.Select(j => j.Event).OfType<ProofBondReleased>().Single().Amount);
        Assert.Equal(UInt128.Zero, r.Network.ProofBonds);
        Assert.Equal(1, r.Network.ListedAgents);
    }

    [Fact]
    public void A_rejected_round_records_the_slash_on_the_agent_and_the_burn_in_the_network()
    {
        var (s, _) = Judged(i => (Verdict.Reject, 50_000u));

        var r = Fold(s.Net);

        var agent = r.Agents[ConsensusScenario.AgentId];
        var slash = s.Net.Journal.Select(j => j.Event).OfType<StakeSlashed>().Single();
        Assert.Equal((AgentStatus.Rejected, 1, 1, slash.Amount), (agent.Status, agent.Rejected, agent.Slashes, agent.Slashed));
        Assert.Equal(ConsensusScenario.AgentStake - (ulong)slash.Amount, (ulong)agent.Stake);
        Assert.Equal(s.Net.Burned, r.Network.Burned);
        Assert.Equal(0, r.Network.ListedAgents);
    }

    [Fact]
    public void Network_totals_match_the_ledger_the_rules_kept()
    {
        var (s, _) = Judged(i => (Verdict.Approve, 900_000u));
        s.Net.Execute(new Unstake(s.Validators[0].Address, 4_000, s.Net.Account(s.Validators[0].Address).Nonce), s.Validators[0]);
        s.Net.DeliverAll();

        var r = Fold(s.Net);

        var accounts = s.Net.Accounts.Values.ToList();
        Assert.Equal(s.Net.Supply, r.Network.Supply);
        Assert.Equal(s.Net.Emitted, r.Network.Emitted);
        Assert.Equal(accounts.Aggregate(UInt128.Zero, (x, a) => x + a.ValidatorStake), r.Network.ValidatorStake);
        Assert.Equal(accounts.Aggregate(UInt128.Zero, (x, a) => x + a.Unbonding.Aggregate(UInt128.Zero, (y, u) => y + u.Amount)), r.Network.Unbonding);
        Assert.Equal(accounts.Count, r.Network.Accounts);
        Assert.Equal(s.Validators.Count, r.Network.Validators);
        Assert.Equal(s.Net.Journal.Count, r.Network.Events);
    }

    [Fact]
    public void An_equivocator_is_counted_slashed_and_ejected()
    {
        var s = new ConsensusScenario();
        var round = s.OpenRound();
        var cheat = s.Committee(round)[0];
        ConsensusScenario.Expect(s.Commit(round, cheat, Verdict.Approve, 900_000));
        s.Commit(round, cheat, Verdict.Reject, 100_000);
        s.Net.DeliverAll();

        var v = Fold(s.Net).Validators[cheat.Address.Value];

        Assert.Equal((1, 1, true), (v.Equivocations, v.Slashes, v.Ejected));
        Assert.Equal(s.Net.Account(cheat.Address).ValidatorStake, v.Stake);
    }

    [Fact]
    public void Stored_rows_reload_into_the_same_state_wherever_the_fold_is_cut()
    {
        var (s, _) = Judged(i => (i < 4 ? Verdict.Approve : Verdict.Reject, (uint)(600_000 + 50_000 * i)));
        var journal = s.Net.Journal;
        var straight = Fold(s.Net);
        using var dir = new TempDir();
        var file = dir.File("models.db");

        Prop.ForAll(Gen.Choose(0, journal.Count).ToArbitrary(), cut =>
        {
            var store = new ReadModelStore(() => JournalPages.SqliteConnection(file));
            var prefix = journal.Take(cut).Select((j, i) => (j, i)).Aggregate(ReputationState.Empty,
                (st, x) => st.Apply(x.j.PersistenceId, x.j.SequenceNr, x.j.Event, x.i + 1, P));
            store.Replace(prefix);
            var resumed = journal.Skip(cut).Select((j, i) => (j, i)).Aggregate(store.Load(),
                (st, x) => st.Apply(x.j.PersistenceId, x.j.SequenceNr, x.j.Event, cut + x.i + 1, P));
            var reloaded = store.Load();
            Assert.Equal(prefix.CanonicalDump().ToArray(), reloaded.CanonicalDump().ToArray());
            return resumed.Digest() == straight.Digest() && resumed.Offset == straight.Offset;
        }).QuickCheckThrowOnFailure();
    }
}
