using Newtonsoft.Json.Linq;
using PoT.Persistence;
using PoT.Protocol;
using static PoT.Persistence.Decision;

namespace PoT.Consensus;

/// <summary>
/// A round's rules, pure (docs/consensus.md): who may vote, when, what counts as equivocation, and when the round
/// is decided. The round entity, the property tests and the auditor run exactly these functions.
/// </summary>
public static class RoundRules
{
    public static Decision Open(RoundState s, OpenRound open, ValidatorSnapshot snapshot, DateTimeOffset now, ConsensusOptions o)
    {
        if (s.Opening is not null) return Done(new CommandAccepted(s.RoundId, []));
        var seed = CommitteeSelection.Seed(open.RoundId, open.ProofHash);
        var committee = CommitteeSelection.Select(snapshot.Eligible, seed, o.CommitteeSize, open.Provider);
        if (committee.Length < o.MinCommitteeSize)
            return Rejected(ErrorCodes.NoValidators, $"{committee.Length} eligible validator(s); a round needs at least {o.MinCommitteeSize}");
        var commitDeadline = now + o.CommitWindow;
        var revealDeadline = commitDeadline + o.RevealWindow;
        return Emit(new RoundOpened(open.AgentId, open.Provider, open.ProofKind, open.ProofHash, open.ProofUri, seed, snapshot.Version,
            committee, committee.Aggregate(UInt128.Zero, (sum, m) => checked(sum + m.Stake)), commitDeadline, revealDeadline, o.Round,
            revealDeadline + o.EvidenceWindow));
    }

    public static RoundOpenResult OpenResult(RoundState s, string agentId, string? refusal) => s.Opening is { } o
        ? new RoundOpenResult(s.RoundId, o.AgentId, true, null, o.Committee.Length, o.CommitDeadline, o.RevealDeadline)
        : new RoundOpenResult(s.RoundId, agentId, false, refusal, 0, null, null);

    public static Decision Commit(RoundState s, CommitVote c, SignedEnvelope envelope, DateTimeOffset now)
    {
        if (Membership(s, c.Account) is { } problem) return problem;
        if (s.Votes.GetValueOrDefault(c.Account.Value) is { } earlier)
            return earlier.CommitEnvelope.Digest == envelope.Digest
                ? Done(new CommandAccepted(envelope.Digest, [earlier.CommitEventId], Replayed: true))
                : Equivocation(s, c.Account, "CommitVote", earlier.CommitEnvelope, envelope, reporter: null);
        if (now >= s.Opening!.CommitDeadline)
            return Rejected(ErrorCodes.CommitTooLate, $"commits closed at {s.Opening.CommitDeadline:O}");
        return Emit(new VoteCommitted(c.Account, c.Commitment));
    }

    public static Decision Reveal(RoundState s, RevealVote r, SignedEnvelope envelope, DateTimeOffset now)
    {
        if (Membership(s, r.Account) is { } problem) return problem;
        if (s.Votes.GetValueOrDefault(r.Account.Value) is not { } vote)
            return Rejected(ErrorCodes.NotCommitted, $"{r.Account} did not commit a vote in round {s.RoundId}");
        if (vote.RevealEnvelope is { } earlier)
            return earlier.Digest == envelope.Digest
                ? Done(new CommandAccepted(envelope.Digest, [vote.RevealEventId!], Replayed: true))
                : Equivocation(s, r.Account, "RevealVote", earlier, envelope, reporter: null);
        if (r.Verdict is not ((byte)Verdict.Approve or (byte)Verdict.Reject))
            return Rejected(ErrorCodes.InvalidField, "verdict: 1 (approve) or 2 (reject)");
        if (r.Score > Basis.Million) return Rejected(ErrorCodes.InvalidField, "score: millionths, 0 to 1000000");
        if (now < s.RevealOpensAt) return Rejected(ErrorCodes.RevealTooEarly, $"reveals open at {s.RevealOpensAt:O}");
        if (now >= s.Opening!.RevealDeadline) return Rejected(ErrorCodes.RevealTooLate, $"reveals closed at {s.Opening.RevealDeadline:O}");
        if (VoteCommitment.Of((Verdict)r.Verdict, r.Score, r.Salt, r.Account) != vote.Commitment)
            return Rejected(ErrorCodes.RevealMismatch, "verdict, score, salt and address do not hash to the committed value");
        return FinalizeIfComplete(s, new VoteRevealed(r.Account, (Verdict)r.Verdict, r.Score, r.Salt));
    }

    /// <summary>Checks evidence of equivocation: two validly signed, different votes of one kind, by one committee
    /// member, for this round. Forged or mismatched evidence is refused and changes nothing.</summary>
    public static Decision Report(RoundState s, ReportEquivocation report, CommandVerifier verifier, DateTimeOffset now)
    {
        if (s.Opening is null) return Rejected(ErrorCodes.UnknownRound, $"round {s.RoundId} was never opened");
        // Past the evidence window the members' stake may have left (unbonding lasts at least until then, no longer).
        if (s.Opening.EvidenceDeadline is { } deadline && now >= deadline)
            return Rejected(ErrorCodes.EvidenceWindowClosed, $"evidence against round {s.RoundId}'s members was taken until {deadline:O}");
        if (report.VoteType is not ("CommitVote" or "RevealVote"))
            return Rejected(ErrorCodes.InvalidEvidence, "voteType: CommitVote or RevealVote");
        if (s.Equivocations.ContainsKey(report.Validator.Value))
            return Rejected(ErrorCodes.AlreadyProven, $"{report.Validator} was already proven to equivocate in round {s.RoundId}");
        if (!s.IsMember(report.Validator)) return Rejected(ErrorCodes.InvalidEvidence, $"{report.Validator} is not on the committee of round {s.RoundId}");
        if (report.Account == report.Validator) return Rejected(ErrorCodes.InvalidEvidence, "a validator cannot claim the bounty on itself");
        Signed first, second;
        try
        {
            first = VerifyVote(verifier, report.VoteType, report.FirstMessage, report.FirstSignature);
            second = VerifyVote(verifier, report.VoteType, report.SecondMessage, report.SecondSignature);
        }
        catch (ProtocolException e)
        {
            return Rejected(ErrorCodes.InvalidEvidence, $"a vote in the evidence does not verify: {e.Code}: {e.Message}");
        }
        if (first.Envelope.Signer != report.Validator || second.Envelope.Signer != report.Validator)
            return Rejected(ErrorCodes.InvalidEvidence, $"both votes must be signed by {report.Validator}");
        if (((IRoundMessage)first.Command).RoundId != s.RoundId || ((IRoundMessage)second.Command).RoundId != s.RoundId)
            return Rejected(ErrorCodes.InvalidEvidence, $"both votes must be for round {s.RoundId}");
        if (first.CommandId == second.CommandId) return Rejected(ErrorCodes.InvalidEvidence, "the two votes are the same vote");
        return Equivocation(s, report.Validator, report.VoteType, first.Envelope, second.Envelope, report.Account);
    }

    /// <summary>The reveal deadline passed: decide with what was revealed.</summary>
    public static Decision Close(RoundState s, DateTimeOffset now) =>
        s.IsOpen && now >= s.Opening!.RevealDeadline ? Emit(Finalize(s)) : Done(new CommandAccepted(s.RoundId, []));

    public static RoundFinalized Finalize(RoundState s)
    {
        var o = s.Opening!;
        var tally = Tally.Decide(s.Ballots(), o.CommitteeStake, o.Parameters);
        return new RoundFinalized(o.AgentId, o.Provider, tally.Verdict, tally.ApproveStake, tally.RejectStake, tally.ConsensusScore,
            tally.Members, tally.Winners, o.Parameters.FraudSlashBps, o.Parameters.FraudBurnBps);
    }

    private static Decision? Membership(RoundState s, Address validator)
    {
        if (s.Opening is null) return Rejected(ErrorCodes.UnknownRound, $"round {s.RoundId} was never opened");
        if (s.Outcome is not null) return Rejected(ErrorCodes.RoundClosed, $"round {s.RoundId} is finalized ({s.Outcome.Verdict})");
        if (!s.IsMember(validator)) return Rejected(ErrorCodes.NotCommitteeMember, $"{validator} is not on the committee of round {s.RoundId}");
        if (s.Equivocations.ContainsKey(validator.Value))
            return Rejected(ErrorCodes.ValidatorEquivocated, $"{validator} equivocated in round {s.RoundId}; its votes no longer count");
        return null;
    }

    private static Decision Equivocation(RoundState s, Address validator, string voteType, SignedEnvelope first, SignedEnvelope second, Address? reporter)
    {
        var p = s.Opening!.Parameters;
        var proof = new EquivocationProven(validator, voteType, first, second, reporter, p.EquivocationSlashBps, p.EquivocationBountyBps, s.OpenedAt);
        return s.IsOpen ? FinalizeIfComplete(s, proof) : Emit(proof);
    }

    /// <summary>Emits <paramref name="e"/>, and the verdict too if nobody is left to wait for after it.</summary>
    private static Decision FinalizeIfComplete(RoundState s, PotEvent e)
    {
        var after = s.Apply(e with { Meta = new EventMeta("", DateTimeOffset.MinValue, Samples.Placeholder) });
        return after.AllAccountedFor ? Emit(e, Finalize(after)) : Emit(e);
    }

    private static Signed VerifyVote(CommandVerifier verifier, string type, string messageJson, HexBytes signature)
    {
        JObject message;
        try
        {
            message = JObject.Parse(messageJson);
        }
        catch (Newtonsoft.Json.JsonException e)
        {
            throw new ProtocolException(ErrorCodes.MalformedJson, e.Message);
        }
        return verifier.Verify(type, message, signature.Value);
    }

    /// <summary>Apply needs an envelope on vote events; the tally reads only verdicts and scores.</summary>
    private static class Samples
    {
        public static readonly SignedEnvelope Placeholder = new("", new JObject(), "", Address.Zero, "");
    }
}
