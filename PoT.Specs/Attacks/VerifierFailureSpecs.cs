using Akka.Cluster.Sharding;
using Microsoft.Extensions.Time.Testing;
using PoT.Consensus;
using PoT.Persistence;
using PoT.Proofs;
using PoT.Protocol;
using PoT.Specs.Support;
using Xunit;

namespace PoT.Specs.Attacks;

/// <summary>
/// A verifier that fails is never its validator's miss (docs/security.md, "poison proofs"): the duty tries again, a
/// bounded number of times, then votes reject — it never approves what it could not check and never stays silent.
/// Before the defence one failed verification left the duty "verifying" until the round ended, and a missed round
/// counted towards ejection. The duty runs on a real SQLite journal; the verifier pool and the round region are probes.
/// </summary>
public sealed class VerifierFailureSpecs : Akka.TestKit.Xunit2.TestKit
{
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly EthKey Validator = Keys.Carol;
    private const string RoundId = "agent-1.1";
    private readonly FakeTimeProvider _clock = new(Start);
    private readonly TempDir _dir;
    private readonly CommandVerifier _signer = new(CommandCatalog.Pot, new Eip712Domain("PoT", "1", 31337, Address.Zero));

    public VerifierFailureSpecs() : this(new TempDir())
    {
    }

    private VerifierFailureSpecs(TempDir dir) : base(SpecConfig.LocalActors(dir.File("pot.db"))) => _dir = dir;

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing) _dir.Dispose();
    }

    private (Akka.TestKit.TestProbe Verifiers, Akka.TestKit.TestProbe Rounds) StartDuty()
    {
        var verifiers = CreateTestProbe();
        var rounds = CreateTestProbe();
        var options = new ValidatorDutyOptions(TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(1), MaxVerifyAttempts: 3);
        var duty = Sys.ActorOf(ValidatorDuty.PropsFor(Validator, verifiers.Ref, rounds.Ref, _signer, "akka.persistence.query.journal.sql", _clock, options));
        var opened = new RoundOpened("agent-1", Keys.Alice.Address, ProofManifest.Kind, HexBytes.From(Keccak.Hash([1])), "pot://proofs",
            HexBytes.From(Keccak.Hash([2])), 1, [new CommitteeMember(Validator.Address, 5_000), new CommitteeMember(Keys.Bob.Address, 5_000)], 10_000,
            Start.AddMinutes(10), Start.AddMinutes(20), new RoundParameters(5000, 5000, 5000, 5000, 1000));
        duty.Tell(new TaggedEvent(EntityIds.PersistenceId(EntityKind.Round, RoundId), opened, 1), Akka.Actor.ActorRefs.NoSender);
        return (verifiers, rounds);
    }

    private void ExpectRejectCommit(Akka.TestKit.TestProbe rounds)
    {
        var envelope = rounds.ExpectMsg<ShardingEnvelope>(TimeSpan.FromSeconds(10));
        var commit = Assert.IsType<CommitVote>(((Signed)envelope.Message).Command);
        Assert.Equal(RoundId, envelope.EntityId);
        Assert.Equal(VoteCommitment.Of(Verdict.Reject, 0, ValidatorDutyRules.Salt(Validator, RoundId), Validator.Address), commit.Commitment);
    }

    [Fact]
    public void A_verifier_that_keeps_failing_ends_in_a_reject_vote_not_a_miss()
    {
        var (verifiers, rounds) = StartDuty();

        for (var attempt = 1; attempt <= 3; attempt++)
        {
            var request = verifiers.ExpectMsg<VerifyProof>(TimeSpan.FromSeconds(10));
            rounds.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
            verifiers.Reply(new ProofVerificationFailed(request.Check, $"disk error {attempt}"));
        }

        ExpectRejectCommit(rounds);
        verifiers.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public void A_verification_that_never_answers_times_out_and_ends_in_a_reject_vote()
    {
        var (verifiers, rounds) = StartDuty();

        for (var attempt = 1; attempt <= 3; attempt++)
        {
            verifiers.ExpectMsg<VerifyProof>(TimeSpan.FromSeconds(10));
            // No answer: the worker died with the message. Past verify-timeout the next tick counts it as failed.
            _clock.Advance(TimeSpan.FromMinutes(1));
        }

        ExpectRejectCommit(rounds);
    }

    [Fact]
    public void A_verdict_after_a_failure_is_voted_as_found()
    {
        var (verifiers, rounds) = StartDuty();
        var first = verifiers.ExpectMsg<VerifyProof>(TimeSpan.FromSeconds(10));
        verifiers.Reply(new ProofVerificationFailed(first.Check, "disk error"));
        var second = verifiers.ExpectMsg<VerifyProof>(TimeSpan.FromSeconds(10));

        verifiers.Reply(new ProofVerified(second.Check, new ProofVerdict(true, "ok", "fine", 800_000, [], 1, 10, TimeSpan.Zero)));

        var envelope = rounds.ExpectMsg<ShardingEnvelope>(TimeSpan.FromSeconds(10));
        Assert.Equal(VoteCommitment.Of(Verdict.Approve, 800_000, ValidatorDutyRules.Salt(Validator, RoundId), Validator.Address),
            Assert.IsType<CommitVote>(((Signed)envelope.Message).Command).Commitment);
    }
}
