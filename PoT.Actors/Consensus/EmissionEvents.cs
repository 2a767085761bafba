using System.Collections.Immutable;
using PoT.Ledger;
using PoT.Persistence;
using PoT.Protocol;

namespace PoT.Consensus;

// Deliveries to the emission schedule, brought by the relay (at least once; the schedule de-duplicates by stamp).

/// <summary>A round's verdict, as the schedule measures it: the agent's validated score (0 when rejected) and the
/// winners' weights in this epoch's validator emission.</summary>
[Manifest("record-judgement.v1")]
public sealed record RecordJudgement(string RoundId, string AgentId, Address Provider, RoundVerdict Verdict, uint Score,
    ImmutableArray<Weighted> Winners, RelayStamp Stamp) : IPotMessage;

/// <summary>A paid call by a user other than the agent's provider: the protocol fee it paid (validators' and
/// treasury's shares), which weighs the agent in this epoch's provider emission and caps what it may earn.</summary>
[Manifest("record-usage.v1")]
public sealed record RecordUsage(string AgentId, Address Provider, Address Payer, UInt128 ProtocolFee, RelayStamp Stamp) : IPotMessage;

/// <summary>The node's clock ticks the schedule: closes the epoch if it has ended (a no-op otherwise).</summary>
[Manifest("close-epoch.v1")]
public sealed record CloseEpoch : IPotMessage
{
    public static readonly CloseEpoch Instance = new();
}

[Manifest("get-emission.v1")]
public sealed record GetEmission : IPotMessage
{
    public static readonly GetEmission Instance = new();
}

/// <summary>Base of the schedule's events (tag: consensus).</summary>
public abstract record EmissionEvent : PotEvent, IConsensusEvent;

/// <summary>The schedule started: epoch 0 runs from <paramref name="At"/>, and <paramref name="Schedule"/> holds for good.</summary>
[Manifest("emission-started.v1")]
public sealed record EmissionStarted(DateTimeOffset At, EmissionSchedule Schedule) : EmissionEvent;

[Manifest("judgement-recorded.v1")]
public sealed record JudgementRecorded(string RoundId, string AgentId, Address Provider, RoundVerdict Verdict, uint Score,
    ImmutableArray<Weighted> Winners, RelayStamp Stamp) : EmissionEvent;

[Manifest("usage-recorded.v1")]
public sealed record UsageRecorded(string AgentId, Address Provider, Address Payer, UInt128 ProtocolFee, RelayStamp Stamp) : EmissionEvent;

/// <summary>One payout of an epoch: to a validator (<paramref name="AgentId"/> null) or to the provider of an agent.</summary>
public sealed record EmissionPayout(Address To, UInt128 Amount, string? AgentId);

/// <summary>
/// Epoch <paramref name="Epoch"/> is over: it scheduled <paramref name="Scheduled"/>, of which <paramref name="Minted"/>
/// was earned and is paid out (the rest is never minted); the schedule moves on to <paramref name="NextEpoch"/> (epochs
/// that passed while no node ticked are skipped, their schedule decayed and unminted).
/// </summary>
[Manifest("epoch-closed.v1")]
public sealed record EpochClosed(long Epoch, UInt128 Scheduled, UInt128 Minted, ImmutableArray<EmissionPayout> Payouts, long NextEpoch)
    : EmissionEvent, IOutboxEvent, ISupplyChange
{
    UInt128 ISupplyChange.Minted => Minted;

    UInt128 ISupplyChange.Burned => UInt128.Zero;

    public IEnumerable<OutboxDelivery> Deliveries(OutboxSource source)
    {
        var index = 0;
        foreach (var p in Payouts)
            yield return new OutboxDelivery(EntityKind.Account, p.To.Value, new Credit(p.To, p.Amount,
                p.AgentId is null ? $"emission-validator:{Epoch}" : $"emission-provider:{Epoch}:{p.AgentId}", source.Stamp(index++)));
    }
}

[Manifest("emission-snapshot.v1")]
public sealed record EmissionSnapshot(EmissionState State, string Head) : IPotMessage;

/// <summary>GET /v1/emission: where the schedule stands and what this epoch has measured so far.</summary>
[Manifest("emission-view.v1")]
public sealed record EmissionView(
    bool Started,
    long Epoch,
    DateTimeOffset? EpochStartedAt,
    DateTimeOffset? EpochEndsAt,
    UInt128 ScheduledThisEpoch,
    UInt128 ScheduledBefore,
    UInt128 Minted,
    EmissionSchedule? Schedule,
    ImmutableSortedDictionary<string, UInt128> ValidatorWeights,
    ImmutableSortedDictionary<string, AgentUsage> Usage) : IPotMessage
{
    public static EmissionView Of(EmissionState s) => new(s.Schedule is not null, s.Epoch, s.EpochStart, s.EpochEnd, s.ThisEpoch, s.ScheduledBefore,
        s.Minted, s.Schedule, s.ValidatorWeights, s.Usage);
}
