using PoT.Consensus;
using PoT.Ledger;
using PoT.Protocol;
using PoT.Registry;
using PoT.Specs.Support;
using Xunit;

namespace PoT.Specs.Consensus;

/// <summary>Every path of a validation round, on the pure rules (<see cref="ConsensusScenario"/>).</summary>
public sealed class RoundRulesSpecs
{
    private readonly ConsensusScenario _s = new();
    private InMemoryNetwork Net => _s.Net;

    private static string CodeOf(CommandResult result) => Assert.IsType<CommandRejected>(result).Code;

    private void AssertConserved()
    {
        Assert.Equal(Net.Supply, Net.Held + Net.InFlight);
        Net.DeliverAll();
        Assert.Equal(Net.Supply, Net.Held);
    }

    [Fact]
    public void A_submitted_proof_opens_a_round_with_a_committee_drawn_from_the_set()
    {
        var round = _s.OpenRound();
        Assert.Equal($"agent-1.1@{Net.NetworkTag}", round);
        Assert.Equal(AgentStatus.Validating, Net.Agent(ConsensusScenario.AgentId).Status);
        var opening = Net.Round(round).Opening!;
        Assert.Equal(5, opening.Committee.Length);
        Assert.Equal(CommitteeSelection.Select(Net.Validators.Snapshot(1_000).Eligible, opening.Seed, 5, _s.Provider.Address).ToArray(),
            opening.Committee.ToArray());
        Assert.Equal(ErrorCodes.ValidationInProgress, CodeOf(Net.Execute(new SubmitTrainingProof(_s.Provider.Address, ConsensusScenario.AgentId,
            "opaque", HexBytes.From(Keccak.Hash([9])), "ipfs://again", _s.ProviderNonce), _s.Provider)));
    }

    [Fact]
    public void Approval_lists_the_agent_returns_the_bond_and_names_the_agreeing_members_as_winners()
    {
        var round = _s.OpenRound();
        var committee = _s.Committee(round);
        var providerBefore = Net.Account(_s.Provider.Address).Balance;
        _s.Vote(round, committee.Select((v, i) => (v, i < 4 ? Verdict.Approve : Verdict.Reject, i < 4 ? 900_000u : 100_000u, true)));
        var outcome = Net.Round(round).Outcome!;
        Assert.Equal(RoundVerdict.Approved, outcome.Verdict);
        Assert.Equal(900_000u, outcome.ConsensusScore);
        AssertConserved();
        Assert.Equal(AgentStatus.Listed, Net.Agent(ConsensusScenario.AgentId).Status);
        // A round mints nothing: the provider gets its bond back, and the approve voters the round's weight in the epoch.
        Assert.Equal(providerBefore + Rules.Ledger.ProofBond, Net.Account(_s.Provider.Address).Balance);
        Assert.Equal(UInt128.Zero, Net.Emitted);
        var winners = outcome.Winners.Select(w => w.To).ToHashSet();
        Assert.True(outcome.Members.Where(m => m.Verdict == Verdict.Approve).All(m => winners.Contains(m.Validator)));
        Assert.True(outcome.Members.Where(m => m.Verdict == Verdict.Reject).All(m => !winners.Contains(m.Validator)));
    }

    [Fact]
    public void Rejection_slashes_the_agent_stake_burns_part_and_pays_the_reject_voters()
    {
        var round = _s.OpenRound();
        var committee = _s.Committee(round);
        var voters = committee.Take(3).ToList();
        var balances = voters.ToDictionary(v => v.Address, v => Net.Account(v.Address).Balance);
        _s.Vote(round, committee.Select((v, i) => (v, i < 3 ? Verdict.Reject : Verdict.Approve, i < 3 ? 50_000u : 800_000u, true)));
        Assert.Equal(RoundVerdict.Rejected, Net.Round(round).Outcome!.Verdict);
        AssertConserved();
        Assert.Equal(AgentStatus.Rejected, Net.Agent(ConsensusScenario.AgentId).Status);
        Assert.Equal(ConsensusScenario.AgentStake / 2, (ulong)Net.Account(_s.Provider.Address).AgentStakes[ConsensusScenario.AgentId]);
        // Half the slash of 5,000, plus what rounding leaves, and the registration fee and the forfeited bond.
        var burned = (ulong)Net.Burned - (ulong)(Rules.Ledger.RegistrationFee + Rules.Ledger.ProofBond);
        Assert.InRange(burned, 2_500UL, 2_503UL);
        var paid = voters.Sum(v => (decimal)(Net.Account(v.Address).Balance - balances[v.Address]));
        Assert.Equal(5_000m - burned, paid);
    }

    [Fact]
    public void No_quorum_returns_the_agent_to_pending_and_the_proof_may_be_resubmitted()
    {
        var round = _s.OpenRound();
        var committee = _s.Committee(round);
        _s.Vote(round, committee.Select((v, i) => (v, Verdict.Approve, 900_000u, i < 2)));
        Net.Advance(TimeSpan.FromMinutes(30));
        Assert.Equal(RoundVerdict.NoQuorum, Net.Round(round).Outcome!.Verdict);
        AssertConserved();
        Assert.Equal(AgentStatus.Pending, Net.Agent(ConsensusScenario.AgentId).Status);
        Assert.Equal($"agent-1.2@{Net.NetworkTag}", _s.OpenRound("second try"));
    }

    [Fact]
    public void Commits_after_the_commit_deadline_are_refused()
    {
        var round = _s.OpenRound();
        Net.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(ErrorCodes.CommitTooLate, CodeOf(_s.Commit(round, _s.Committee(round)[0], Verdict.Approve, 1)));
    }

    [Fact]
    public void Reveals_before_the_reveal_phase_or_after_its_deadline_are_refused()
    {
        var round = _s.OpenRound();
        var committee = _s.Committee(round);
        ConsensusScenario.Expect(_s.Commit(round, committee[0], Verdict.Approve, 1));
        Assert.Equal(ErrorCodes.RevealTooEarly, CodeOf(_s.Reveal(round, committee[0])));
        ConsensusScenario.Expect(_s.Commit(round, committee[1], Verdict.Approve, 1));
        Net.Advance(TimeSpan.FromMinutes(19));
        ConsensusScenario.Expect(_s.Reveal(round, committee[0]));
        Net.Advance(TimeSpan.FromMinutes(1));
        Assert.NotNull(Net.Round(round).Outcome);
        Assert.Equal(ErrorCodes.RoundClosed, CodeOf(_s.Reveal(round, committee[1])));
    }

    [Fact]
    public void A_reveal_that_does_not_match_its_commitment_is_refused()
    {
        var round = _s.OpenRound();
        var member = _s.Committee(round)[0];
        var salt = HexBytes.From(Keccak.Hash([1]));
        ConsensusScenario.Expect(_s.Commit(round, member, Verdict.Approve, 900_000, salt));
        Net.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(ErrorCodes.RevealMismatch, CodeOf(Net.Execute(new RevealVote(member.Address, round, (byte)Verdict.Reject, 900_000, salt), member)));
        Assert.Equal(ErrorCodes.RevealMismatch, CodeOf(Net.Execute(new RevealVote(member.Address, round, (byte)Verdict.Approve, 900_001, salt), member)));
        ConsensusScenario.Expect(_s.Reveal(round, member));
    }

    [Fact]
    public void Votes_from_outside_the_committee_are_refused()
    {
        var round = _s.OpenRound();
        var outsider = EthKey.FromSeed("outsider");
        Assert.Equal(ErrorCodes.NotCommitteeMember, CodeOf(_s.Commit(round, outsider, Verdict.Approve, 1)));
        Assert.Equal(ErrorCodes.UnknownRound, CodeOf(_s.Commit("agent-1.9", _s.Committee(round)[0], Verdict.Approve, 1)));
    }

    [Fact]
    public void An_identical_reveal_again_is_answered_from_its_receipt_and_a_different_one_is_equivocation()
    {
        var round = _s.OpenRound();
        var committee = _s.Committee(round);
        foreach (var v in committee) ConsensusScenario.Expect(_s.Commit(round, v, Verdict.Approve, 900_000));
        var first = Assert.IsType<CommandAccepted>(_s.Reveal(round, committee[0]));
        var again = Assert.IsType<CommandAccepted>(_s.Reveal(round, committee[0]));
        Assert.True(again.Replayed);
        Assert.Equal(first.EventIds.ToArray(), again.EventIds.ToArray());

        var other = Net.Execute(new RevealVote(committee[0].Address, round, (byte)Verdict.Reject, 1, HexBytes.From(Keccak.Hash([2]))), committee[0]);
        Assert.IsType<CommandAccepted>(other); // recorded: as the validator's equivocation
        Assert.True(Net.Round(round).Equivocations.ContainsKey(committee[0].Address.Value));
    }

    [Fact]
    public void A_second_different_commit_is_equivocation_the_validator_is_slashed_and_ejected()
    {
        var round = _s.OpenRound();
        var cheat = _s.Committee(round)[0];
        var stake = Net.Account(cheat.Address).ValidatorStake;
        ConsensusScenario.Expect(_s.Commit(round, cheat, Verdict.Approve, 900_000));
        Assert.IsType<CommandAccepted>(_s.Commit(round, cheat, Verdict.Reject, 100_000));
        Net.DeliverAll();
        Assert.Equal(stake / 2, Net.Account(cheat.Address).ValidatorStake);
        Assert.True(Net.Validators.Of(cheat.Address).Ejected);
        Assert.Equal(ErrorCodes.ValidatorEquivocated, CodeOf(_s.Reveal(round, cheat)));
        AssertConserved();
        Assert.DoesNotContain(Net.Validators.Snapshot(1_000).Eligible, v => v.Validator == cheat.Address);
    }

    [Fact]
    public void Reported_evidence_slashes_the_equivocator_and_pays_the_reporter_a_bounty()
    {
        var round = _s.OpenRound();
        var cheat = _s.Committee(round)[1];
        var (first, second) = TwoCommits(round, cheat);
        var report = new ReportEquivocation(_s.Reporter.Address, round, cheat.Address, "CommitVote", Json(first), first.Envelope.Signature.AsHex(),
            Json(second), second.Envelope.Signature.AsHex());
        Assert.IsType<CommandAccepted>(Net.Execute(report, _s.Reporter));
        Net.DeliverAll();
        Assert.Equal(1u + 500, (ulong)Net.Account(_s.Reporter.Address).Balance); // 10 % of the 5,000 slashed
        Assert.True(Net.Validators.Of(cheat.Address).Ejected);
        Assert.Equal(ErrorCodes.AlreadyProven, CodeOf(Net.Execute(report, _s.Reporter)));
        AssertConserved();
    }

    [Fact]
    public void Forged_or_mismatched_evidence_is_refused_and_changes_nothing()
    {
        var round = _s.OpenRound();
        var committee = _s.Committee(round);
        var cheat = committee[1];
        var (first, second) = TwoCommits(round, cheat);
        var byOther = Net.Sign(new CommitVote(committee[2].Address, round, HexBytes.From(Keccak.Hash([3]))), committee[2]);
        var otherRound = Net.Sign(new CommitVote(cheat.Address, "agent-1.7", HexBytes.From(Keccak.Hash([4]))), cheat);
        var forgedSignature = HexBytes.From(Keccak.Hash([9]).Concat(Keccak.Hash([8])).Append((byte)27).ToArray());
        var journal = Net.Journal.Count;

        ReportEquivocation Report(Signed a, Signed b, Address? validator = null, HexBytes? signatureOfB = null) =>
            new(_s.Reporter.Address, round, validator ?? cheat.Address, "CommitVote", Json(a), a.Envelope.Signature.AsHex(), Json(b),
                signatureOfB ?? b.Envelope.Signature.AsHex());

        Assert.Equal(ErrorCodes.InvalidEvidence, CodeOf(Net.Execute(Report(first, second, signatureOfB: forgedSignature), _s.Reporter)));
        Assert.Equal(ErrorCodes.InvalidEvidence, CodeOf(Net.Execute(Report(first, first), _s.Reporter)));
        Assert.Equal(ErrorCodes.InvalidEvidence, CodeOf(Net.Execute(Report(first, byOther), _s.Reporter)));
        Assert.Equal(ErrorCodes.InvalidEvidence, CodeOf(Net.Execute(Report(first, otherRound), _s.Reporter)));
        Assert.Equal(ErrorCodes.InvalidEvidence, CodeOf(Net.Execute(Report(first, second, validator: EthKey.FromSeed("outsider").Address), _s.Reporter)));
        Assert.Equal(ErrorCodes.InvalidEvidence, CodeOf(Net.Execute(Report(first, second) with { Account = cheat.Address }, cheat)));
        Assert.Equal(journal, Net.Journal.Count);
        Assert.False(Net.Validators.Of(cheat.Address).Ejected);
    }

    [Fact]
    public void A_validator_that_misses_max_misses_rounds_in_a_row_is_ejected()
    {
        var s = new ConsensusScenario(validators: 4, options: Rules.Consensus with { CommitteeSize = 4 });
        var lazy = s.Validators[3];
        for (var round = 1; round <= Rules.Consensus.MaxMisses; round++)
        {
            Assert.False(s.Net.Validators.Of(lazy.Address).Ejected);
            var id = s.OpenRound($"proof {round}");
            // One approve, two rejects of four equal stakes: no side exceeds half, so the agent can try again.
            var votes = s.Committee(id).Where(v => v != lazy).Select((v, i) => (v, i == 0 ? Verdict.Approve : Verdict.Reject, 0u, true));
            s.Vote(id, votes);
            s.Net.Advance(TimeSpan.FromMinutes(20));
            s.Net.DeliverAll();
            Assert.Equal(RoundVerdict.NoQuorum, s.Net.Round(id).Outcome!.Verdict);
            Assert.Equal(round, s.Net.Validators.Of(lazy.Address).ConsecutiveMisses);
            Assert.Equal(0, s.Net.Validators.Of(s.Validators[0].Address).ConsecutiveMisses);
        }
        Assert.True(s.Net.Validators.Of(lazy.Address).Ejected);
        Assert.DoesNotContain(s.Net.Validators.Snapshot(Rules.Consensus.MinValidatorStake).Eligible, v => v.Validator == lazy.Address);
    }

    private (Signed First, Signed Second) TwoCommits(string round, EthKey cheat) =>
        (Net.Sign(new CommitVote(cheat.Address, round, HexBytes.From(Keccak.Hash([1]))), cheat),
         Net.Sign(new CommitVote(cheat.Address, round, HexBytes.From(Keccak.Hash([2]))), cheat));

    private static string Json(Signed signed) => signed.Envelope.Message.ToString(Newtonsoft.Json.Formatting.None);
}

internal static class SignatureHex
{
    public static HexBytes AsHex(this string signature) => HexBytes.Parse(signature);
}
