using Newtonsoft.Json;
using PoT.Consensus;
using PoT.Ledger;
using PoT.Protocol;
using PoT.Specs.Support;
using Xunit;

namespace PoT.Specs.Attacks;

/// <summary>
/// Stake that backs a vote stays at risk (docs/security.md, "Stake at risk"). Before: a committee member unstaked
/// (its vote kept the weight frozen at the round's opening), then equivocated, and the slash read only bonded stake —
/// 0; evidence was taken forever, so the only bound on it was an unbonding period nobody related to it.
/// </summary>
public sealed class StakeAtRiskSpecs
{
    private readonly ConsensusScenario _s = new();

    private InMemoryNetwork Net => _s.Net;

    [Fact]
    public void A_member_that_unstakes_and_then_equivocates_is_slashed_in_full_from_its_unbonding_stake()
    {
        var round = _s.OpenRound();
        var cheat = _s.Committee(round)[0];
        var staked = Net.Account(cheat.Address).ValidatorStake;
        ConsensusScenario.Expect(Net.Execute(new Unstake(cheat.Address, staked, Net.Account(cheat.Address).Nonce), cheat));
        Net.DeliverAll();
        Assert.Equal(UInt128.Zero, Net.Account(cheat.Address).ValidatorStake);
        var supply = Net.Supply;

        ConsensusScenario.Expect(_s.Commit(round, cheat, Verdict.Approve, 900_000));
        Assert.IsType<CommandAccepted>(_s.Commit(round, cheat, Verdict.Reject, 100_000));
        Net.DeliverAll();

        var slash = Net.Journal.Select(j => j.Event).OfType<StakeSlashed>().Single(x => x.Reason == $"equivocation:{round}");
        Assert.Equal(staked / 2, slash.Amount); // equivocation-slash-bps = 5000 of the stake the round counted
        Assert.Equal(slash.Amount, slash.FromUnbonding);
        Assert.Equal(staked - staked / 2, Net.Account(cheat.Address).UnbondingTotal);
        Assert.Equal(supply - slash.Burned, Net.Supply);
        Assert.Equal(Net.Supply, Net.Held);
    }

    [Fact]
    public void Stake_that_began_unbonding_before_the_round_counted_it_is_not_slashed_for_that_round()
    {
        // Cosmos's rule: unbonding that began before the offence backed nothing in it.
        var cheat = _s.Validators[0];
        ConsensusScenario.Expect(Net.Execute(new Unstake(cheat.Address, 1_000, Net.Account(cheat.Address).Nonce), cheat));
        Net.DeliverAll();
        Net.Advance(TimeSpan.FromSeconds(1));
        var round = _s.OpenRound();
        Assert.Contains(_s.Committee(round), v => v.Address == cheat.Address);
        var bonded = Net.Account(cheat.Address).ValidatorStake;

        ConsensusScenario.Expect(_s.Commit(round, cheat, Verdict.Approve, 900_000));
        Assert.IsType<CommandAccepted>(_s.Commit(round, cheat, Verdict.Reject, 100_000));
        Net.DeliverAll();

        var slash = Net.Journal.Select(j => j.Event).OfType<StakeSlashed>().Single(x => x.Reason == $"equivocation:{round}");
        Assert.Equal(bonded / 2, slash.Amount);
        Assert.Equal(UInt128.Zero, slash.FromUnbonding);
        Assert.Equal(1_000UL, (ulong)Net.Account(cheat.Address).UnbondingTotal);
    }

    [Fact]
    public void Evidence_is_taken_until_the_evidence_deadline_and_refused_after_it_with_nothing_written()
    {
        var round = _s.OpenRound();
        var cheat = _s.Committee(round)[1];
        var first = Net.Sign(new CommitVote(cheat.Address, round, HexBytes.From(Keccak.Hash([1]))), cheat);
        var second = Net.Sign(new CommitVote(cheat.Address, round, HexBytes.From(Keccak.Hash([2]))), cheat);
        var report = new ReportEquivocation(_s.Reporter.Address, round, cheat.Address, "CommitVote", Json(first), HexBytes.Parse(first.Envelope.Signature),
            Json(second), HexBytes.Parse(second.Envelope.Signature));
        var deadline = Net.Round(round).Opening!.EvidenceDeadline!.Value;
        Assert.Equal(Net.Round(round).Opening!.RevealDeadline + Rules.Consensus.EvidenceWindow, deadline);
        Net.Advance(deadline - Net.Now);
        var journal = Net.Journal.Count;

        var late = Net.Execute(report, _s.Reporter);

        Assert.Equal(ErrorCodes.EvidenceWindowClosed, Assert.IsType<CommandRejected>(late).Code);
        Assert.Equal(journal, Net.Journal.Count);
    }

    [Fact]
    public void A_configuration_whose_unbonding_ends_before_the_evidence_window_is_refused_at_start()
    {
        var config = Akka.Configuration.ConfigurationFactory.ParseString("pot.ledger.unbonding-period = 1h\npot.consensus.evidence-window = 1d");

        var refused = Assert.Throws<Akka.Configuration.ConfigurationException>(() => PoT.Hosting.PotConfig.Load(config));

        Assert.Contains("unbonding-period", refused.Message);
    }

    private static string Json(Signed signed) => signed.Envelope.Message.ToString(Formatting.None);
}
