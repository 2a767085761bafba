using System.Collections.Immutable;
using PoT.Ledger;
using PoT.Persistence;
using PoT.Protocol;
using PoT.Registry;

namespace PoT.Consensus;

/// <summary>Base of a round's events (tag: consensus).</summary>
public abstract record RoundEvent : PotEvent, IConsensusEvent;

/// <summary>
/// The round is open: everything needed to recompute its committee (the eligible validators of set version
/// <paramref name="SetVersion"/>, drawn from <paramref name="Seed"/>), its deadlines, and the parameters it will be
/// judged and paid with. Equivocation evidence is taken until <paramref name="EvidenceDeadline"/> (absent in rounds of
/// older nodes: always).
/// </summary>
[Manifest("round-opened.v1")]
public sealed record RoundOpened(
    string AgentId,
    Address Provider,
    string ProofKind,
    HexBytes ProofHash,
    string ProofUri,
    HexBytes Seed,
    long SetVersion,
    ImmutableArray<CommitteeMember> Committee,
    UInt128 CommitteeStake,
    DateTimeOffset CommitDeadline,
    DateTimeOffset RevealDeadline,
    RoundParameters Parameters,
    DateTimeOffset? EvidenceDeadline = null) : RoundEvent;

[Manifest("vote-committed.v1")]
public sealed record VoteCommitted(Address Validator, HexBytes Commitment) : RoundEvent;

[Manifest("vote-revealed.v1")]
public sealed record VoteRevealed(Address Validator, Verdict Verdict, uint Score, HexBytes Salt) : RoundEvent;

/// <summary>
/// <paramref name="Validator"/> signed two different votes of one kind in this round; both envelopes are kept, so
/// anyone can check the proof. The validator's stake is slashed (the reporter, if any, gets the bounty) and it is
/// ejected from the validator set. The slash reaches what the validator began unbonding after the round counted its
/// stake (<paramref name="StakeCountedAt"/>, the round's opening): unstaking in a round does not escape it.
/// </summary>
[Manifest("equivocation-proven.v1")]
public sealed record EquivocationProven(
    Address Validator,
    string VoteType,
    SignedEnvelope First,
    SignedEnvelope Second,
    Address? Reporter,
    int SlashBps,
    int BountyBps,
    DateTimeOffset? StakeCountedAt = null) : RoundEvent, IOutboxEvent
{
    public IEnumerable<OutboxDelivery> Deliveries(OutboxSource source)
    {
        var roundId = source.PersistenceId[(EntityIds.Prefix(EntityKind.Round).Length + 1)..];
        ImmutableArray<Weighted> bounty = Reporter is { } reporter ? [new Weighted(reporter, 1)] : [];
        yield return new OutboxDelivery(EntityKind.Account, Validator.Value, new SlashStake(Validator, null, SlashBps,
            Reporter is null ? Basis.Points : Basis.Points - BountyBps, bounty, $"equivocation:{roundId}", source.Stamp(0),
            BackedSince: StakeCountedAt));
        yield return new OutboxDelivery(EntityKind.ValidatorSet, ValidatorSetIds.EntityId,
            new EjectValidator(Validator, $"equivocation in round {roundId}", roundId, source.Stamp(1)));
    }
}

/// <summary>
/// The verdict and everything it moves: the provider's agent stake slashed on Rejected (shared by the
/// <paramref name="Winners"/>), the submission's bond settled, the round's weight in the epoch's validator emission
/// (the winners', by stake × agreement), misses recorded, and the agent told. A round mints nothing itself.
/// </summary>
[Manifest("round-finalized.v1")]
public sealed record RoundFinalized(
    string AgentId,
    Address Provider,
    RoundVerdict Verdict,
    UInt128 ApproveStake,
    UInt128 RejectStake,
    uint ConsensusScore,
    ImmutableArray<MemberResult> Members,
    ImmutableArray<Weighted> Winners,
    int FraudSlashBps,
    int FraudBurnBps) : RoundEvent, IOutboxEvent
{
    public IEnumerable<OutboxDelivery> Deliveries(OutboxSource source)
    {
        var roundId = source.PersistenceId[(EntityIds.Prefix(EntityKind.Round).Length + 1)..];
        var index = 0;
        if (Verdict == RoundVerdict.Rejected)
            yield return new OutboxDelivery(EntityKind.Account, Provider.Value, new SlashStake(Provider, AgentId, FraudSlashBps, FraudBurnBps,
                Winners, $"rejected-proof:{roundId}", source.Stamp(index++)));
        // A verdict is what the network measured: the agent's validated score, and the winners' share of this epoch's
        // validator emission. A round without one measured nothing and earns nobody anything.
        if (Verdict != RoundVerdict.NoQuorum)
            yield return new OutboxDelivery(EntityKind.Emission, EmissionIds.EntityId, new RecordJudgement(roundId, AgentId, Provider, Verdict,
                ConsensusScore, Winners, source.Stamp(index++)));
        // The submission's bond: back to the provider only for an approved proof; a rejection or no verdict burns it,
        // so a round that costs the committee work is never free for the provider who caused it.
        yield return new OutboxDelivery(EntityKind.Account, Provider.Value, new SettleProofBond(Provider, AgentId, Verdict != RoundVerdict.Approved,
            $"proof-bond:{roundId}", source.Stamp(index++)));
        yield return new OutboxDelivery(EntityKind.ValidatorSet, ValidatorSetIds.EntityId, new RecordParticipation(roundId,
            [.. Members.Where(m => m.Revealed).Select(m => m.Validator)], [.. Members.Where(m => m.Missed).Select(m => m.Validator)],
            source.Stamp(index++)));
        yield return new OutboxDelivery(EntityKind.Agent, AgentId, new ConcludeValidation(roundId, Verdict, ConsensusScore, source.Stamp(index)));
    }
}
