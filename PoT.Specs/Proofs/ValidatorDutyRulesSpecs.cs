using PoT.Consensus;
using PoT.Proofs;
using PoT.Protocol;
using PoT.Specs.Support;
using Xunit;

namespace PoT.Specs.Proofs;

/// <summary>The validator duty's fold over the consensus journal and its choice of next step.</summary>
public sealed class ValidatorDutyRulesSpecs
{
    private static readonly DateTimeOffset At = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);
    private static readonly Address Me = Keys.Bob.Address;
    private static readonly HexBytes Proof = HexBytes.From(Keccak.Hash([7]));

    private static RoundOpened Opened(string kind = ProofManifest.Kind, params Address[] committee) => new("agent-1", Keys.Alice.Address, kind, Proof,
        "pot://proof", Proof, 1, [.. (committee.Length == 0 ? [Me, Keys.Carol.Address] : committee).Select(a => new CommitteeMember(a, 5_000))], 10_000,
        At.AddMinutes(10), At.AddMinutes(20), new RoundParameters(5000, 5000, 5000, 5000, 1000));

    private static RoundFinalized Finalized(RoundVerdict verdict) => new("agent-1", Keys.Alice.Address, verdict, 0, 0, 0, [], [], 5000, 5000);

    private static ValidatorDutyState Fold(params object[] events) =>
        events.Aggregate(ValidatorDutyState.For(Me), (s, e) => s.Apply("agent-1.1", e));

    [Fact]
    public void Only_rounds_whose_committee_holds_the_validator_are_tracked()
    {
        Assert.Contains("agent-1.1", Fold(Opened()).Rounds.Keys);
        Assert.Empty(Fold(Opened(committee: [Keys.Carol.Address])).Rounds);
    }

    [Fact]
    public void Commits_and_reveals_are_counted_and_the_validators_own_recognised()
    {
        var round = Fold(Opened(), new VoteCommitted(Keys.Carol.Address, Proof), new VoteCommitted(Me, Proof), new VoteRevealed(Me, Verdict.Approve, 1, Proof))
            .Rounds["agent-1.1"];

        Assert.Equal((2, true, true), (round.Commits, round.Committed, round.Revealed));
    }

    [Theory]
    [InlineData(RoundVerdict.Approved, true)]
    [InlineData(RoundVerdict.Rejected, true)]
    [InlineData(RoundVerdict.NoQuorum, false)]
    public void A_finalized_round_is_forgotten_and_its_proof_counts_as_judged_unless_no_quorum(RoundVerdict verdict, bool judged)
    {
        var s = Fold(Opened(), Finalized(verdict));

        Assert.Empty(s.Rounds);
        Assert.Equal(judged, s.Judged.Bundles.Contains(Proof));
        Assert.Empty(s.Judged.ZkBundles);
    }

    [Fact]
    public void A_judged_zero_knowledge_round_is_recorded_as_such_so_its_statement_can_be_looked_up()
    {
        var s = Fold(Opened(SgdStepProof.Kind), Finalized(RoundVerdict.Approved));

        Assert.Contains(Proof, s.Judged.Bundles);
        Assert.Contains(Proof, s.Judged.ZkBundles);
    }

    [Fact]
    public void The_duty_verifies_then_commits_then_waits_for_reveals_to_open_then_reveals()
    {
        var round = Fold(Opened()).Rounds["agent-1.1"];

        Assert.Equal(DutyStep.Verify, ValidatorDutyRules.Next(round, verdictKnown: false, At));
        Assert.Equal(DutyStep.Commit, ValidatorDutyRules.Next(round, verdictKnown: true, At));
        var committed = round with { Committed = true, Commits = 1 };
        Assert.Equal(DutyStep.Wait, ValidatorDutyRules.Next(committed, true, At));
        Assert.Equal(DutyStep.Reveal, ValidatorDutyRules.Next(committed with { Commits = 2 }, true, At));
        Assert.Equal(DutyStep.Reveal, ValidatorDutyRules.Next(committed, true, At.AddMinutes(10)));
        Assert.Equal(DutyStep.Done, ValidatorDutyRules.Next(committed with { Revealed = true }, true, At.AddMinutes(10)));
    }

    [Fact]
    public void After_a_restart_a_committed_vote_is_re_verified_to_learn_what_to_reveal()
    {
        var round = Fold(Opened(), new VoteCommitted(Me, Proof)).Rounds["agent-1.1"];

        Assert.Equal(DutyStep.Verify, ValidatorDutyRules.Next(round, verdictKnown: false, At.AddMinutes(11)));
    }

    [Fact]
    public void Missed_windows_and_opaque_proofs_need_nothing_more()
    {
        var round = Fold(Opened()).Rounds["agent-1.1"];

        Assert.Equal(DutyStep.Done, ValidatorDutyRules.Next(round, false, At.AddMinutes(10)));
        Assert.Equal(DutyStep.Done, ValidatorDutyRules.Next(round with { Committed = true }, true, At.AddMinutes(20)));
        Assert.Equal(DutyStep.Done, ValidatorDutyRules.Next(Fold(Opened("opaque")).Rounds["agent-1.1"], false, At));
    }

    [Fact]
    public void The_vote_salt_is_secret_to_the_key_stable_and_per_round()
    {
        Assert.Equal(ValidatorDutyRules.Salt(Keys.Bob, "a.1"), ValidatorDutyRules.Salt(EthKey.FromSeed("bob"), "a.1"));
        Assert.NotEqual(ValidatorDutyRules.Salt(Keys.Bob, "a.1"), ValidatorDutyRules.Salt(Keys.Bob, "a.2"));
        Assert.NotEqual(ValidatorDutyRules.Salt(Keys.Bob, "a.1"), ValidatorDutyRules.Salt(Keys.Carol, "a.1"));
    }
}
