using System.Collections.Immutable;
using PoT.Persistence;
using PoT.Protocol;

namespace PoT.Consensus;

/// <summary>A signed message for one round entity.</summary>
public interface IRoundMessage : ISignedMessage
{
    string RoundId { get; }
}

/// <summary>A committee member's sealed vote: <paramref name="Commitment"/> = <see cref="VoteCommitment.Of"/>.</summary>
[Eip712Type("CommitVote"), Manifest("commit-vote.v1")]
public sealed record CommitVote(Address Account, string RoundId, HexBytes Commitment) : IRoundMessage;

/// <summary>Opens a committed vote. <paramref name="Verdict"/> 1 = approve, 2 = reject; <paramref name="Score"/> in
/// millionths.</summary>
[Eip712Type("RevealVote"), Manifest("reveal-vote.v1")]
public sealed record RevealVote(Address Account, string RoundId, byte Verdict, uint Score, HexBytes Salt) : IRoundMessage;

/// <summary>Evidence that <paramref name="Validator"/> signed two different votes of one kind in one round: the two
/// messages (canonical JSON) and their signatures. Anyone may report it; the reporter gets the bounty.</summary>
[Eip712Type("ReportEquivocation"), Manifest("report-equivocation.v1")]
public sealed record ReportEquivocation(
    Address Account,
    string RoundId,
    Address Validator,
    string VoteType,
    string FirstMessage,
    HexBytes FirstSignature,
    string SecondMessage,
    HexBytes SecondSignature) : IRoundMessage;

// Deliveries and internal messages

/// <summary>The agent asks its round to open (brought by the outbox relay; answered with <see cref="RoundOpenResult"/>).</summary>
[Manifest("open-round.v1")]
public sealed record OpenRound(string RoundId, string AgentId, Address Provider, string ProofKind, HexBytes ProofHash, string ProofUri)
    : IPotMessage;

[Manifest("round-open-result.v1")]
public sealed record RoundOpenResult(
    string RoundId,
    string AgentId,
    bool Opened,
    string? Reason,
    int CommitteeSize,
    DateTimeOffset? CommitDeadline,
    DateTimeOffset? RevealDeadline) : IPotMessage;

/// <summary>The round's deadline timer fired (or recovery found it passed).</summary>
[Manifest("close-round.v1")]
public sealed record CloseRound : IPotMessage
{
    public static readonly CloseRound Instance = new();
}

[Manifest("get-round.v1")]
public sealed record GetRound(string RoundId) : IPotMessage;

/// <summary>A change of an account's validator stake, sent by the account to the validator set.</summary>
[Manifest("validator-stake-delta.v1")]
public sealed record ValidatorStakeDelta(Address Validator, UInt128 Increase, UInt128 Decrease, RelayStamp Stamp) : IPotMessage;

/// <summary>Who revealed and who missed in a finalized round.</summary>
[Manifest("record-participation.v1")]
public sealed record RecordParticipation(string RoundId, ImmutableArray<Address> Revealed, ImmutableArray<Address> Missed, RelayStamp Stamp)
    : IPotMessage;

[Manifest("eject-validator.v1")]
public sealed record EjectValidator(Address Validator, string Reason, string RoundId, RelayStamp Stamp) : IPotMessage;

[Manifest("get-validator-snapshot.v1")]
public sealed record GetValidatorSnapshot : IPotMessage
{
    public static readonly GetValidatorSnapshot Instance = new();
}

public sealed record CommitteeMember(Address Validator, UInt128 Stake);

/// <summary>The eligible validators (stake ≥ min-validator-stake, not ejected), sorted by address, at a version of the set.</summary>
[Manifest("validator-snapshot.v1")]
public sealed record ValidatorSnapshot(long Version, ImmutableArray<CommitteeMember> Eligible) : IPotMessage;

[Manifest("get-validators.v1")]
public sealed record GetValidators : IPotMessage
{
    public static readonly GetValidators Instance = new();
}
