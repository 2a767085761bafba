using System.Collections.Immutable;
using PoT.Persistence;
using PoT.Protocol;

namespace PoT.Consensus;

/// <summary>One committee member's votes, with the signed envelopes (the evidence, should it equivocate).</summary>
public sealed record VoteRecord(
    HexBytes Commitment,
    SignedEnvelope CommitEnvelope,
    string CommitEventId,
    DateTimeOffset CommittedAt,
    Verdict? Verdict = null,
    uint Score = 0,
    HexBytes? Salt = null,
    SignedEnvelope? RevealEnvelope = null,
    string? RevealEventId = null);

/// <summary>One validation round: its opening record, the votes so far, proven equivocations and the outcome.</summary>
public sealed record RoundState(
    string RoundId,
    RoundOpened? Opening,
    ImmutableSortedDictionary<string, VoteRecord> Votes,
    ImmutableSortedDictionary<string, EquivocationProven> Equivocations,
    RoundFinalized? Outcome,
    DateTimeOffset? FinalizedAt,
    long Version,
    DateTimeOffset? OpenedAt = null)
{
    public static RoundState Empty(string roundId) => new(roundId, null,
        ImmutableSortedDictionary<string, VoteRecord>.Empty, ImmutableSortedDictionary<string, EquivocationProven>.Empty, null, null, 0);

    [Newtonsoft.Json.JsonIgnore]
    public string PersistenceId => EntityIds.PersistenceId(EntityKind.Round, RoundId);

    [Newtonsoft.Json.JsonIgnore]
    public bool IsOpen => Opening is not null && Outcome is null;

    public bool IsMember(Address validator) => Opening?.Committee.Any(m => m.Validator == validator) == true;

    /// <summary>Reveals open at the commit deadline, or as soon as every member has committed.</summary>
    [Newtonsoft.Json.JsonIgnore]
    public DateTimeOffset RevealOpensAt => Opening is null ? DateTimeOffset.MaxValue
        : Opening.Committee.All(m => Votes.ContainsKey(m.Validator.Value)) ? Votes.Values.Max(v => v.CommittedAt)
        : Opening.CommitDeadline;

    /// <summary>Every member either revealed or was proven to equivocate: nothing is left to wait for.</summary>
    [Newtonsoft.Json.JsonIgnore]
    public bool AllAccountedFor => Opening is not null && Opening.Committee.All(m =>
        Equivocations.ContainsKey(m.Validator.Value) || Votes.GetValueOrDefault(m.Validator.Value)?.Verdict is not null);

    /// <summary>The members' votes as the tally reads them.</summary>
    public ImmutableArray<Ballot> Ballots() => [.. Opening!.Committee.Select(m =>
    {
        var vote = Votes.GetValueOrDefault(m.Validator.Value);
        return new Ballot(m.Validator, m.Stake, vote is not null, vote?.Verdict, vote?.Score ?? 0, Equivocations.ContainsKey(m.Validator.Value));
    })];
}

/// <summary>The pure evolution of a round by its events.</summary>
public static class RoundEvolution
{
    public static RoundState Apply(this RoundState s, PotEvent e)
    {
        var version = s.Version + 1;
        var eventId = EntityIds.EventId(s.PersistenceId, version);
        var next = e switch
        {
            RoundOpened o => s with { Opening = o with { Meta = EventMeta.Unsealed }, OpenedAt = e.Meta.At },
            VoteCommitted c => s with
            {
                Votes = s.Votes.SetItem(c.Validator.Value, new VoteRecord(c.Commitment, e.Meta.Envelope!, eventId, e.Meta.At))
            },
            VoteRevealed r => s with
            {
                Votes = s.Votes.SetItem(r.Validator.Value, s.Votes[r.Validator.Value] with
                {
                    Verdict = r.Verdict, Score = r.Score, Salt = r.Salt, RevealEnvelope = e.Meta.Envelope, RevealEventId = eventId
                })
            },
            EquivocationProven q => s with { Equivocations = s.Equivocations.SetItem(q.Validator.Value, q with { Meta = EventMeta.Unsealed }) },
            RoundFinalized f => s with { Outcome = f with { Meta = EventMeta.Unsealed }, FinalizedAt = e.Meta.At },
            _ => throw new ArgumentException($"not a round event: {e.GetType().Name}")
        };
        return next with { Version = version };
    }
}
