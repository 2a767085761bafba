using System.Collections.Immutable;
using PoT.Persistence;
using PoT.Protocol;

namespace PoT.Consensus;

public sealed record VoteView(
    Address Validator,
    UInt128 Stake,
    HexBytes? Commitment,
    DateTimeOffset? CommittedAt,
    Verdict? Verdict,
    uint? Score,
    bool Equivocated);

/// <summary>
/// GET /v1/rounds/{id}: the whole round, so nobody has to wonder why their trust is low: the committee and how it
/// was drawn, every commitment and reveal, the tally, the verdict, and per validator its agreement and reward.
/// </summary>
[Manifest("round-view.v1")]
public sealed record RoundView(
    string RoundId,
    string Phase,
    string? AgentId,
    Address? Provider,
    string? ProofKind,
    HexBytes? ProofHash,
    string? ProofUri,
    HexBytes? Seed,
    long? ValidatorSetVersion,
    UInt128 CommitteeStake,
    DateTimeOffset? CommitDeadline,
    DateTimeOffset? RevealOpensAt,
    DateTimeOffset? RevealDeadline,
    RoundParameters? Parameters,
    ImmutableArray<VoteView> Votes,
    ImmutableArray<string> Equivocators,
    RoundVerdict? Verdict,
    UInt128 ApproveStake,
    UInt128 RejectStake,
    uint? ConsensusScore,
    ImmutableArray<MemberResult> Results,
    ImmutableArray<Weighted> Winners,
    DateTimeOffset? FinalizedAt) : IPotMessage
{
    public bool Exists => Phase != "unopened";

    public static RoundView Of(RoundState s, DateTimeOffset now)
    {
        var o = s.Opening;
        var phase = o is null ? "unopened"
            : s.Outcome is not null ? "finalized"
            : now < s.RevealOpensAt ? "commit"
            : "reveal";
        return new RoundView(s.RoundId, phase, o?.AgentId, o?.Provider, o?.ProofKind, o?.ProofHash, o?.ProofUri, o?.Seed, o?.SetVersion,
            o?.CommitteeStake ?? UInt128.Zero, o?.CommitDeadline, o is null ? null : s.RevealOpensAt, o?.RevealDeadline, o?.Parameters,
            o is null ? [] : [.. o.Committee.Select(m =>
            {
                var vote = s.Votes.GetValueOrDefault(m.Validator.Value);
                return new VoteView(m.Validator, m.Stake, vote?.Commitment, vote?.CommittedAt,
                    // Scores stay sealed until the round is decided or the vote is revealed.
                    vote?.Verdict, vote?.Verdict is null ? null : vote.Score, s.Equivocations.ContainsKey(m.Validator.Value));
            })],
            [.. s.Equivocations.Keys],
            s.Outcome?.Verdict, s.Outcome?.ApproveStake ?? UInt128.Zero, s.Outcome?.RejectStake ?? UInt128.Zero, s.Outcome?.ConsensusScore,
            s.Outcome?.Members ?? [], s.Outcome?.Winners ?? [], s.FinalizedAt);
    }
}

[Manifest("round-snapshot.v1")]
public sealed record RoundSnapshot(RoundState State, string Head) : IPotMessage;
