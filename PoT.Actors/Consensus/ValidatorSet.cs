using System.Collections.Immutable;
using PoT.Persistence;
using PoT.Protocol;
using static PoT.Persistence.Decision;

namespace PoT.Consensus;

/// <summary>What the validator set knows of one validator.</summary>
public sealed record ValidatorInfo(UInt128 Stake, int ConsecutiveMisses, int RoundsRevealed, int RoundsMissed, bool Ejected, string? EjectionReason);

/// <summary>
/// The validator set (one entity, "validators"): every account's validator stake as reported by the accounts,
/// participation per round, and ejections. Committees are drawn from the eligible members of a version of it.
/// </summary>
public sealed record ValidatorSetState(ImmutableSortedDictionary<string, ValidatorInfo> Validators, RelayStamp Watermark, long Version)
{
    public static readonly ValidatorSetState Empty = new(ImmutableSortedDictionary<string, ValidatorInfo>.Empty, RelayStamp.None, 0);

    public ValidatorInfo Of(Address validator) => Validators.GetValueOrDefault(validator.Value) ?? new ValidatorInfo(UInt128.Zero, 0, 0, 0, false, null);

    /// <summary>Validators with at least the minimum stake that were never ejected, sorted by address.</summary>
    public ValidatorSnapshot Snapshot(UInt128 minStake) => new(Version,
        [.. Validators.Where(v => !v.Value.Ejected && v.Value.Stake >= minStake).Select(v => new CommitteeMember(Address.Parse(v.Key), v.Value.Stake))]);
}

public abstract record ValidatorSetEvent : PotEvent, IConsensusEvent;

[Manifest("validator-stake-changed.v1")]
public sealed record ValidatorStakeChanged(Address Validator, UInt128 Stake, RelayStamp Stamp) : ValidatorSetEvent;

[Manifest("participation-recorded.v1")]
public sealed record ParticipationRecorded(string RoundId, ImmutableArray<Address> Revealed, ImmutableArray<Address> Missed, RelayStamp Stamp)
    : ValidatorSetEvent;

[Manifest("validator-ejected.v1")]
public sealed record ValidatorEjected(Address Validator, string Reason, string RoundId, RelayStamp Stamp) : ValidatorSetEvent;

[Manifest("validator-set-snapshot.v1")]
public sealed record ValidatorSetSnapshot(ValidatorSetState State, string Head) : IPotMessage;

/// <summary>GET /v1/validators.</summary>
[Manifest("validator-set-view.v1")]
public sealed record ValidatorSetView(long Version, UInt128 MinValidatorStake, int MaxMisses, ImmutableSortedDictionary<string, ValidatorInfo> Validators)
    : IPotMessage;

public static class ValidatorSetRules
{
    public static Decision Decide(ValidatorSetState s, IPotMessage delivery, ConsensusOptions o) => delivery switch
    {
        ValidatorStakeDelta d when d.Stamp <= s.Watermark => Done(Ack),
        ValidatorStakeDelta d => Emit(new ValidatorStakeChanged(d.Validator,
            s.Of(d.Validator).Stake + d.Increase >= d.Decrease ? s.Of(d.Validator).Stake + d.Increase - d.Decrease : UInt128.Zero, d.Stamp)),
        RecordParticipation p when p.Stamp <= s.Watermark => Done(Ack),
        RecordParticipation p => new Decision.Accept([
            new ParticipationRecorded(p.RoundId, p.Revealed, p.Missed, p.Stamp),
            .. p.Missed.Where(v => !s.Of(v).Ejected && s.Of(v).ConsecutiveMisses + 1 >= o.MaxMisses)
                .Select(v => new ValidatorEjected(v, $"missed {o.MaxMisses} rounds in a row", p.RoundId, p.Stamp))
        ]),
        EjectValidator e when e.Stamp <= s.Watermark || s.Of(e.Validator).Ejected => Done(Ack),
        EjectValidator e => Emit(new ValidatorEjected(e.Validator, e.Reason, e.RoundId, e.Stamp)),
        _ => Rejected(ErrorCodes.UnknownCommandType, $"{delivery.GetType().Name} is not for the validator set")
    };

    private static readonly CommandAccepted Ack = new("", []);

    public static ValidatorSetState Apply(this ValidatorSetState s, PotEvent e)
    {
        ValidatorSetState With(Address v, Func<ValidatorInfo, ValidatorInfo> change, RelayStamp stamp) =>
            s with { Validators = s.Validators.SetItem(v.Value, change(s.Of(v))), Watermark = stamp > s.Watermark ? stamp : s.Watermark };

        var next = e switch
        {
            ValidatorStakeChanged c => With(c.Validator, v => v with { Stake = c.Stake }, c.Stamp),
            ParticipationRecorded p => p.Revealed.Aggregate(
                p.Missed.Aggregate(s, (acc, v) => acc with
                {
                    Validators = acc.Validators.SetItem(v.Value, acc.Of(v) with
                    {
                        ConsecutiveMisses = acc.Of(v).ConsecutiveMisses + 1, RoundsMissed = acc.Of(v).RoundsMissed + 1
                    })
                }),
                (acc, v) => acc with
                {
                    Validators = acc.Validators.SetItem(v.Value, acc.Of(v) with { ConsecutiveMisses = 0, RoundsRevealed = acc.Of(v).RoundsRevealed + 1 })
                }) with { Watermark = p.Stamp > s.Watermark ? p.Stamp : s.Watermark },
            ValidatorEjected j => With(j.Validator, v => v with { Ejected = true, EjectionReason = j.Reason }, j.Stamp),
            _ => throw new ArgumentException($"not a validator-set event: {e.GetType().Name}")
        };
        return next with { Version = s.Version + 1 };
    }
}
