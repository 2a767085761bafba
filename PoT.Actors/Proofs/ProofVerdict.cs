using System.Collections.Immutable;
using PoT.Consensus;

namespace PoT.Proofs;

/// <summary>
/// What a verification found: the verdict, a stable code (<c>ok</c> or the attack it caught), the reason in words, the
/// score a validator votes with (millionths) and what it cost. For a training log, the intervals re-executed, the
/// steps they cover against the steps of the whole run, and the largest distance a re-execution landed from its
/// checkpoint (0 for an honest log re-run in the same determinism envelope).
/// </summary>
public sealed record ProofVerdict(bool Accepted, string Code, string Reason, uint Score, ImmutableArray<int> Intervals, int ReexecutedSteps,
    int TotalSteps, TimeSpan Elapsed, double MaxDistance = 0)
{
    /// <summary>The share of the training run the verifier redid.</summary>
    public double CostRatio => TotalSteps == 0 ? 0 : (double)ReexecutedSteps / TotalSteps;

    /// <summary>The vote this verdict makes: approve with the score, or reject with score zero.</summary>
    public (Verdict Verdict, uint Score) Vote => Accepted ? (Verdict.Approve, Score) : (Verdict.Reject, 0);

    public static ProofVerdict Refused(string code, string reason, TimeSpan elapsed = default) => new(false, code, reason, 0, [], 0, 0, elapsed);
}
