using System.Collections.Immutable;
using System.Numerics;
using PoT.Protocol;

namespace PoT.Consensus;

/// <summary>A member's vote as the tally sees it (null verdict: no valid reveal).</summary>
public sealed record Ballot(Address Validator, UInt128 Stake, bool Committed, Verdict? Verdict, uint Score, bool Equivocated);

/// <summary>What a finalized round decided for one member: the explanation GET /v1/rounds/{id} shows.</summary>
public sealed record MemberResult(
    Address Validator,
    UInt128 Stake,
    bool Committed,
    bool Revealed,
    Verdict? Verdict,
    uint? Score,
    uint Agreement,
    bool Missed,
    bool Equivocated);

public sealed record Payout(Address To, UInt128 Amount);

public sealed record Weighted(Address To, ulong Weight);

/// <summary>The decision of a round, and who earned by it: the members who voted with the verdict, weighted by
/// stake × agreement (32-bit fractions of their total).</summary>
public sealed record TallyResult(
    RoundVerdict Verdict,
    UInt128 ApproveStake,
    UInt128 RejectStake,
    uint ConsensusScore,
    ImmutableArray<MemberResult> Members,
    ImmutableArray<Weighted> Winners);

/// <summary>
/// The pure arithmetic of a round (docs/consensus.md):
/// - verdict: Approved iff approve-stake × 10000 &gt; threshold-bps × committee stake; Rejected likewise for reject;
///   otherwise NoQuorum. Equivocators' votes do not count; their stake stays in the committee total;
/// - consensus score: the stake-weighted median of the valid revealed scores (the lowest score at which the
///   cumulative stake reaches half);
/// - agreement = 1 − |own − consensus| (millionths), for members who revealed; 0 otherwise;
/// - winners: the members who voted with a verdict, weighted by stake × agreement. On Rejected they share the slash
///   of the provider's agent stake (after the burn); on either verdict the round's weight in the epoch's validator
///   emission is theirs (<see cref="EmissionRules"/>). A round mints nothing by itself: emission follows the schedule.
/// </summary>
public static class Tally
{
    public static TallyResult Decide(ImmutableArray<Ballot> ballots, UInt128 committeeStake, RoundParameters p)
    {
        var valid = ballots.Where(b => b.Verdict is not null && !b.Equivocated).ToList();
        var approve = Sum(valid.Where(b => b.Verdict == Verdict.Approve));
        var reject = Sum(valid.Where(b => b.Verdict == Verdict.Reject));
        var threshold = (BigInteger)committeeStake * p.ThresholdBps;
        var verdict = (BigInteger)approve * Basis.Points > threshold ? RoundVerdict.Approved
            : (BigInteger)reject * Basis.Points > threshold ? RoundVerdict.Rejected
            : RoundVerdict.NoQuorum;
        var consensus = WeightedMedian(valid.Select(b => (b.Score, b.Stake)));

        uint AgreementOf(Ballot b) => b.Verdict is null || b.Equivocated ? 0u : Basis.Million - (uint)Math.Abs((long)b.Score - consensus);

        var winners = verdict switch
        {
            RoundVerdict.Approved => valid.Where(b => b.Verdict == Verdict.Approve).ToList(),
            RoundVerdict.Rejected => valid.Where(b => b.Verdict == Verdict.Reject).ToList(),
            _ => []
        };
        var weights = winners.ToDictionary(b => b.Validator, b => (BigInteger)b.Stake * AgreementOf(b));

        var members = ballots.Select(b => new MemberResult(
            b.Validator, b.Stake, b.Committed, b.Verdict is not null && !b.Equivocated, b.Equivocated ? null : b.Verdict,
            b.Verdict is null || b.Equivocated ? null : b.Score, AgreementOf(b),
            Missed: b.Verdict is null && !b.Equivocated, b.Equivocated)).ToImmutableArray();

        return new TallyResult(verdict, approve, reject, consensus, members, Normalize(weights));
    }

    /// <summary>The lowest score at which the cumulative stake of the scores at or below it reaches half of the total
    /// (0 if nobody revealed). One validator's extreme score cannot move it past honest stake.</summary>
    public static uint WeightedMedian(IEnumerable<(uint Score, UInt128 Stake)> votes)
    {
        var sorted = votes.OrderBy(v => v.Score).ToList();
        var total = sorted.Aggregate(BigInteger.Zero, (sum, v) => sum + (BigInteger)v.Stake);
        if (total.IsZero) return 0;
        var cumulative = BigInteger.Zero;
        foreach (var (score, stake) in sorted)
        {
            cumulative += (BigInteger)stake;
            if (cumulative * 2 >= total) return score;
        }
        return sorted[^1].Score;
    }

    /// <summary>Splits <paramref name="pool"/> by weight, rounding down, in address order; the remainder is left unpaid.</summary>
    public static IEnumerable<Payout> Split(UInt128 pool, IReadOnlyDictionary<Address, BigInteger> weights) =>
        Split(pool, weights.OrderBy(w => w.Key.Value, StringComparer.Ordinal).Select(w => (w.Key, w.Value)))
            .Select(share => new Payout(share.Key, share.Amount));

    /// <summary>Splits <paramref name="pool"/> by weight, rounding down, in the order given (only shares above 0); the
    /// remainder is left unpaid. Negative weights count as 0.</summary>
    public static IEnumerable<(TKey Key, UInt128 Amount)> Split<TKey>(UInt128 pool, IEnumerable<(TKey Key, BigInteger Weight)> weights)
    {
        var list = weights.Select(w => (w.Key, Weight: BigInteger.Max(w.Weight, BigInteger.Zero))).ToList();
        var total = list.Aggregate(BigInteger.Zero, (s, w) => s + w.Weight);
        if (total.IsZero || pool == UInt128.Zero) yield break;
        foreach (var (key, weight) in list)
        {
            var amount = (UInt128)((BigInteger)pool * weight / total);
            if (amount > UInt128.Zero) yield return (key, amount);
        }
    }

    /// <summary>Weights rescaled to 32-bit fractions of their total, so they travel in messages as plain integers.</summary>
    public static ImmutableArray<Weighted> Normalize(IReadOnlyDictionary<Address, BigInteger> weights)
    {
        var total = weights.Values.Aggregate(BigInteger.Zero, (s, w) => s + w);
        if (total.IsZero) return [];
        return [.. weights.OrderBy(w => w.Key.Value, StringComparer.Ordinal)
            .Select(w => new Weighted(w.Key, (ulong)(w.Value * uint.MaxValue / total)))
            .Where(w => w.Weight > 0)];
    }

    private static UInt128 Sum(IEnumerable<Ballot> ballots) => ballots.Aggregate(UInt128.Zero, (s, b) => checked(s + b.Stake));
}
