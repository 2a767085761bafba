using System.Collections.Immutable;
using System.Numerics;
using PoT.Persistence;
using PoT.Protocol;
using static PoT.Persistence.Decision;

namespace PoT.Consensus;

/// <summary>What an agent's independent users paid in protocol fees this epoch, and to whose provider it earns.</summary>
public sealed record AgentUsage(Address Provider, UInt128 Fees);

/// <summary>
/// The emission schedule (one entity, "schedule"): the schedule fixed at its start, the current epoch and its
/// amount, what earlier epochs scheduled and what was minted, and what this epoch has measured — the validators'
/// weights from decided rounds and the agents' paid usage — plus every agent's latest validated score.
/// </summary>
public sealed record EmissionState(
    EmissionSchedule? Schedule,
    DateTimeOffset? StartedAt,
    long Epoch,
    UInt128 Current,
    UInt128 ScheduledBefore,
    UInt128 Minted,
    ImmutableSortedDictionary<string, UInt128> ValidatorWeights,
    ImmutableSortedDictionary<string, AgentUsage> Usage,
    ImmutableSortedDictionary<string, uint> Scores,
    RelayStamp Watermark,
    long Version)
{
    public static readonly EmissionState Empty = new(null, null, 0, UInt128.Zero, UInt128.Zero, UInt128.Zero,
        ImmutableSortedDictionary<string, UInt128>.Empty.WithComparers(StringComparer.Ordinal),
        ImmutableSortedDictionary<string, AgentUsage>.Empty.WithComparers(StringComparer.Ordinal),
        ImmutableSortedDictionary<string, uint>.Empty.WithComparers(StringComparer.Ordinal), RelayStamp.None, 0);

    [Newtonsoft.Json.JsonIgnore]
    public DateTimeOffset? EpochStart => StartedAt is { } at && Schedule is { } s ? at + s.EpochLength * Epoch : null;

    [Newtonsoft.Json.JsonIgnore]
    public DateTimeOffset? EpochEnd => EpochStart is { } start ? start + Schedule!.EpochLength : null;

    /// <summary>What this epoch schedules: its amount, within what the cap leaves.</summary>
    [Newtonsoft.Json.JsonIgnore]
    public UInt128 ThisEpoch => Schedule is null ? UInt128.Zero : UInt128.Min(Current, Schedule.SupplyCap - ScheduledBefore);
}

/// <summary>The schedule's rules and evolution, pure (docs/consensus.md, "Emission"). The entity, the auditor and the
/// specs run exactly these.</summary>
public static class EmissionRules
{
    private static readonly CommandAccepted Ack = new("", []);

    public static Decision Decide(EmissionState s, IPotMessage delivery) => delivery switch
    {
        RecordJudgement j when j.Stamp <= s.Watermark => Done(Ack),
        RecordJudgement j => Emit(new JudgementRecorded(j.RoundId, j.AgentId, j.Provider, j.Verdict, j.Score, j.Winners, j.Stamp)),
        // Only fees paid by someone other than the provider measure usage: a provider paying itself measures nothing.
        RecordUsage u when u.Stamp <= s.Watermark || u.ProtocolFee == UInt128.Zero || u.Payer == u.Provider => Done(Ack),
        RecordUsage u => Emit(new UsageRecorded(u.AgentId, u.Provider, u.Payer, u.ProtocolFee, u.Stamp)),
        _ => Rejected(ErrorCodes.UnknownCommandType, $"{delivery.GetType().Name} is not for the emission schedule")
    };

    /// <summary>The clock's tick: starts the schedule the first time, then closes each epoch once it has ended.</summary>
    public static Decision Close(EmissionState s, DateTimeOffset now, EmissionSchedule configured)
    {
        if (s.Schedule is not { } schedule) return Emit(new EmissionStarted(now, configured));
        if (now < s.EpochEnd!.Value) return Done(Ack);
        var scheduled = s.ThisEpoch;
        var validatorsPool = (UInt128)((BigInteger)scheduled * schedule.ValidatorsBps / Basis.Points);
        var payouts = ImmutableArray.CreateBuilder<EmissionPayout>();
        foreach (var (validator, amount) in Tally.Split(validatorsPool, s.ValidatorWeights.Select(w => (w.Key, (BigInteger)w.Value))))
            payouts.Add(new EmissionPayout(Address.Parse(validator), amount, null));
        // Providers: by validated score × fees paid; never more than usage-cap-bps of those fees (so paying one's own
        // agent always costs more than it earns).
        var earning = s.Usage.Where(u => s.Scores.GetValueOrDefault(u.Key) > 0 && u.Value.Fees > UInt128.Zero).ToList();
        foreach (var (agentId, share) in Tally.Split(scheduled - validatorsPool,
                     earning.Select(u => (u.Key, (BigInteger)u.Value.Fees * s.Scores[u.Key]))))
        {
            var usage = s.Usage[agentId];
            var amount = UInt128.Min(share, (UInt128)((BigInteger)usage.Fees * schedule.UsageCapBps / Basis.Points));
            if (amount > UInt128.Zero) payouts.Add(new EmissionPayout(usage.Provider, amount, agentId));
        }
        var minted = payouts.Aggregate(UInt128.Zero, (sum, p) => checked(sum + p.Amount));
        var elapsed = (now - s.StartedAt!.Value).Ticks / schedule.EpochLength.Ticks;
        return Emit(new EpochClosed(s.Epoch, scheduled, minted, payouts.ToImmutable(), Math.Max(s.Epoch + 1, elapsed)));
    }

    public static EmissionState Apply(this EmissionState s, PotEvent e)
    {
        var next = e switch
        {
            EmissionStarted started => s with { Schedule = started.Schedule, StartedAt = started.At, Epoch = 0, Current = started.Schedule.FirstEpoch },
            JudgementRecorded j => s with
            {
                Scores = s.Scores.SetItem(j.AgentId, j.Verdict == RoundVerdict.Approved ? j.Score : 0),
                ValidatorWeights = j.Winners.Aggregate(s.ValidatorWeights,
                    (weights, w) => weights.SetItem(w.To.Value, checked(weights.GetValueOrDefault(w.To.Value) + w.Weight))),
                Watermark = j.Stamp
            },
            UsageRecorded u => s with
            {
                Usage = s.Usage.SetItem(u.AgentId, new AgentUsage(u.Provider, checked((s.Usage.GetValueOrDefault(u.AgentId)?.Fees ?? UInt128.Zero) + u.ProtocolFee))),
                Watermark = u.Stamp
            },
            EpochClosed c => Advance(s, c.NextEpoch) with
            {
                Minted = checked(s.Minted + c.Minted),
                ValidatorWeights = s.ValidatorWeights.Clear(),
                Usage = s.Usage.Clear()
            },
            _ => throw new ArgumentException($"not an emission event: {e.GetType().Name}")
        };
        return next with { Version = s.Version + 1 };
    }

    /// <summary>Moves the schedule from the current epoch to <paramref name="epoch"/>: each epoch passed adds what it
    /// scheduled (within the cap) and decays the amount. Stops early once nothing is left to schedule.</summary>
    private static EmissionState Advance(EmissionState s, long epoch)
    {
        var schedule = s.Schedule!;
        var (current, before) = (s.Current, s.ScheduledBefore);
        if (schedule.DecayBps == 0)
        {
            // A flat schedule: every passed epoch adds the same amount (in closed form: a long outage is one step).
            var added = UInt128.Min((UInt128)((BigInteger)current * (epoch - s.Epoch)), schedule.SupplyCap - before);
            before = checked(before + added);
            return s with { Epoch = epoch, Current = before >= schedule.SupplyCap ? UInt128.Zero : current, ScheduledBefore = before };
        }
        for (var e = s.Epoch; e < epoch && current > UInt128.Zero && before < schedule.SupplyCap; e++)
        {
            before = checked(before + UInt128.Min(current, schedule.SupplyCap - before));
            current = schedule.Decayed(current);
        }
        return s with { Epoch = epoch, Current = before >= schedule.SupplyCap ? UInt128.Zero : current, ScheduledBefore = before };
    }
}
