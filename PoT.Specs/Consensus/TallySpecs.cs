using System.Collections.Immutable;
using PoT.Consensus;
using PoT.Protocol;
using Xunit;

namespace PoT.Specs.Consensus;

public sealed class TallySpecs
{
    private static readonly RoundParameters Half = new(5000, 5000, 5000, 5000, 1000);

    private static Ballot B(int i, ulong stake, Verdict? verdict, uint score = 900_000, bool equivocated = false) =>
        new(EthKey.FromSeed($"b{i}").Address, stake, true, verdict, score, equivocated);

    private static TallyResult Decide(RoundParameters p, params Ballot[] ballots) =>
        Tally.Decide([.. ballots], ballots.Aggregate(UInt128.Zero, (s, b) => s + b.Stake), p);

    [Fact]
    public void Exactly_half_the_stake_is_not_a_verdict_one_unit_more_is()
    {
        Assert.Equal(RoundVerdict.NoQuorum, Decide(Half, B(0, 50, Verdict.Approve), B(1, 50, Verdict.Reject)).Verdict);
        Assert.Equal(RoundVerdict.Approved, Decide(Half, B(0, 51, Verdict.Approve), B(1, 50, Verdict.Reject)).Verdict);
        Assert.Equal(RoundVerdict.Rejected, Decide(Half, B(0, 50, Verdict.Approve), B(1, 51, Verdict.Reject)).Verdict);
    }

    [Fact]
    public void Stake_that_does_not_reveal_still_counts_in_the_committee_total()
    {
        Assert.Equal(RoundVerdict.NoQuorum, Decide(Half, B(0, 40, Verdict.Approve), B(1, 60, null)).Verdict);
    }

    [Fact]
    public void A_two_thirds_threshold_needs_strictly_more_than_two_thirds()
    {
        var twoThirds = Half with { ThresholdBps = 6667 };
        Assert.Equal(RoundVerdict.NoQuorum, Decide(twoThirds, B(0, 6_667, Verdict.Approve), B(1, 3_333, Verdict.Reject)).Verdict);
        Assert.Equal(RoundVerdict.Approved, Decide(twoThirds, B(0, 6_668, Verdict.Approve), B(1, 3_332, Verdict.Reject)).Verdict);
    }

    [Fact]
    public void Equivocators_votes_do_not_count()
    {
        var result = Decide(Half, B(0, 60, Verdict.Approve, equivocated: true), B(1, 40, Verdict.Approve));
        Assert.Equal(RoundVerdict.NoQuorum, result.Verdict);
        Assert.True(result.Members[0].Equivocated);
        Assert.Equal(0u, result.Members[0].Agreement);
    }

    [Fact]
    public void The_consensus_score_is_the_stake_weighted_median_and_one_outlier_cannot_move_it()
    {
        var result = Decide(Half, B(0, 30, Verdict.Approve, 800_000), B(1, 30, Verdict.Approve, 820_000), B(2, 10, Verdict.Approve, 1_000_000));
        Assert.Equal(820_000u, result.ConsensusScore);
        Assert.Equal(Basis.Million - 20_000, result.Members[0].Agreement);
        Assert.Equal(Basis.Million, result.Members[1].Agreement);
        Assert.Equal(Basis.Million - 180_000, result.Members[2].Agreement);
        Assert.Equal(800_000u, Tally.WeightedMedian([(800_000, 60), (1_000_000, 40)]));
    }

    [Fact]
    public void An_approval_names_the_approve_voters_as_winners_by_stake_times_agreement()
    {
        var result = Decide(Half, B(0, 300, Verdict.Approve, 900_000), B(1, 100, Verdict.Approve, 800_000), B(2, 100, Verdict.Reject, 100_000));

        Assert.Equal(RoundVerdict.Approved, result.Verdict);
        Assert.Equal(900_000u, result.ConsensusScore);
        var weights = result.Winners.ToDictionary(w => w.To, w => w.Weight);
        Assert.Equal(new[] { result.Members[0].Validator, result.Members[1].Validator }.OrderBy(a => a.Value, StringComparer.Ordinal),
            weights.Keys.OrderBy(a => a.Value, StringComparer.Ordinal));
        // 300 × 1.0 against 100 × 0.9: the weights are 32-bit fractions of their sum.
        Assert.InRange(weights[result.Members[0].Validator] / (double)weights[result.Members[1].Validator], 3 / 0.9 - 0.01, 3 / 0.9 + 0.01);
        Assert.InRange(weights.Values.Aggregate(0UL, (s, w) => s + w), uint.MaxValue - 2UL, uint.MaxValue);
    }

    [Fact]
    public void A_rejection_names_the_reject_voters_as_winners_by_weight()
    {
        var result = Decide(Half, B(0, 100, Verdict.Approve), B(1, 300, Verdict.Reject, 100_000), B(2, 100, Verdict.Reject, 100_000));
        Assert.Equal(RoundVerdict.Rejected, result.Verdict);
        Assert.Equal(2, result.Winners.Length);
        var weights = result.Winners.ToDictionary(w => w.To, w => w.Weight);
        Assert.InRange(weights[result.Members[1].Validator] / (double)weights[result.Members[2].Validator], 2.99, 3.01);
    }

    [Fact]
    public void No_verdict_has_no_winners()
    {
        Assert.Empty(Decide(Half, B(0, 50, Verdict.Approve), B(1, 50, Verdict.Reject)).Winners);
    }
}
