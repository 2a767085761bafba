using System.Diagnostics;
using System.Numerics;
using PoT.Protocol;

namespace PoT.Proofs;

/// <summary>What a validator demands of an SGD-step proof beyond its validity: the largest loss bound it accepts and the
/// range of learning rates (numerators over 2^8) it accepts.</summary>
public sealed record SgdStepPolicy(BigInteger MaxLossThreshold, int MinLearningRate, int MaxLearningRate)
{
    public static readonly SgdStepPolicy Default = new(BigInteger.Pow(2, 40), 1, 255);
}

/// <summary>
/// Verifies an SGD-step proof for a round (docs/proof-of-training.md). In order, the first failure being the verdict:
/// the bundle's shape (signal count, field elements, a canonical model opening), that the proof is bound to the round's
/// provider, agent and round, that its statement was not judged before (replay by public signals), the pairing check
/// against the committed verification key, the loss bound and learning rate the validator accepts, that the validator
/// knows the task, that the model opens <c>commitAfter</c>, and that the model's held-out score reaches the task's
/// minimum. The score is that held-out score: what a proof of one step says about quality is nothing, so the model
/// itself is tested, on rows only this validator draws.
/// </summary>
public static class SgdStepVerifier
{
    /// <param name="judgedClaims">Claim keys (<see cref="SgdStepProof.ClaimKey"/>) of statements judged in earlier rounds.</param>
    public static ProofVerdict Verify(VerificationKey key, SgdStepProof proof, ProofCheck check, IReadOnlySet<HexBytes> judgedClaims, SgdStepPolicy policy,
        IReadOnlyDictionary<string, LinearTask> tasks)
    {
        var stopwatch = Stopwatch.StartNew();
        ProofVerdict Refuse(string code, string reason) => ProofVerdict.Refused(code, reason, stopwatch.Elapsed);

        if (proof.PublicSignals.Length != SgdStepClaim.Signals)
            return Refuse("malformed-proof", $"{proof.PublicSignals.Length} public signals; the SGD-step circuit has {SgdStepClaim.Signals}");
        for (var i = 0; i < proof.PublicSignals.Length; i++)
            if (proof.PublicSignals[i].Sign < 0 || proof.PublicSignals[i] >= Bn254.ScalarOrder)
                return Refuse("malformed-proof", $"public signal {i} is not an element of the scalar field");
        if (proof.Model.Problem() is { } problem) return Refuse("malformed-proof", problem);
        var claim = proof.Claim;
        if (ProofBinding.Problem(claim, check.Provider, check.AgentId) is { } unbound) return Refuse(unbound.Code, unbound.Message);
        if (claim.Round != SgdStepClaim.RoundField(check.RoundId))
            return Refuse("wrong-round", $"the proof was made for another round than '{check.RoundId}'");
        var claimKey = proof.ClaimKey();
        if (judgedClaims.Contains(claimKey)) return Refuse("replayed-proof", $"statement {claimKey} was already judged in an earlier round");
        var pairing = Groth16.Verify(key, proof.Proof, proof.PublicSignals);
        if (!pairing.Valid) return Refuse("groth16-invalid", pairing.Reason);
        if (claim.LossThreshold > policy.MaxLossThreshold)
            return Refuse("loss-bound-too-loose", $"the proven loss bound {claim.LossThreshold} exceeds the accepted {policy.MaxLossThreshold}");
        if (claim.LrNum < policy.MinLearningRate || claim.LrNum > policy.MaxLearningRate)
            return Refuse("learning-rate-not-accepted", $"learning rate {claim.LrNum}/256 is not one this validator accepts");
        if (!tasks.TryGetValue(proof.Task, out var task))
            return Refuse("unknown-task", $"this validator has no regression task '{proof.Task}' to score the model on");
        if (task.Features != SgdStepModel.Features)
            return Refuse("unknown-task", $"task '{task.Name}' has {task.Features} features; the SGD-step circuit's model has {SgdStepModel.Features}");
        if (!proof.Model.Opens(claim.CommitAfter))
            return Refuse("model-not-committed", "the model in the bundle is not the one commitAfter commits to");

        var challenge = task.ChallengeSet(check.Validator, check.RoundSeed);
        var score = HeldOutScore.Of(proof.Model.W, proof.Model.B, challenge);
        var measured = $"held-out R² {score / 1e6:F4} on {challenge.Length} rows of '{task.Name}'";
        if (!(score >= task.MinScore))
            return new ProofVerdict(false, "below-minimum-accuracy", $"{measured}, under the task's minimum {task.MinScore / 1e6:F4}", score, [], 1, 1,
                stopwatch.Elapsed);
        return new ProofVerdict(true, "ok", $"Groth16 proof of one SGD step (loss ≤ {claim.LossThreshold}, learning rate {claim.LrNum}/256); {measured}",
            score, [], 1, 1, stopwatch.Elapsed);
    }
}
