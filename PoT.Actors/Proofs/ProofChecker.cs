using PoT.Protocol;

namespace PoT.Proofs;

/// <summary>What a validator checks for one round: the proof the round names, whose it is, and the round's seed (from
/// which the validator's own challenge set is drawn).</summary>
public sealed record ProofCheck(string RoundId, string ProofKind, HexBytes ProofHash, Address Provider, string AgentId, HexBytes RoundSeed,
    Address Validator);

/// <summary>
/// One entry point for every verifiable proof kind: finds the bundle in the store, checks that it is of the kind the
/// round declares, and runs that kind's verifier. Pure apart from reading the store; CPU-heavy, so actors call it from
/// the verifier pool (<see cref="ProofVerifierActor"/>), never from an entity.
/// </summary>
public sealed class ProofChecker(ProofStore store, ProofsOptions options)
{
    public ProofsOptions Options => options;

    /// <param name="judgedProofs">Hashes of proofs already judged in earlier rounds (a replay is refused).</param>
    public ProofVerdict Check(ProofCheck check, IReadOnlySet<HexBytes> judgedProofs)
    {
        if (!ProofBundle.Kinds.Contains(check.ProofKind))
            return ProofVerdict.Refused("unverifiable-kind", $"proof kind '{check.ProofKind}' cannot be checked automatically");
        IProofBundle? bundle;
        try
        {
            bundle = store.Find(check.ProofHash);
        }
        catch (Exception e) when (e is FormatException or InvalidDataException)
        {
            return ProofVerdict.Refused("malformed-proof", e.Message);
        }
        if (bundle is null) return ProofVerdict.Refused("proof-not-found", $"no bundle {check.ProofHash} in the proof store; upload it with PUT /v1/proofs");
        return CheckBundle(bundle, check, judgedProofs);
    }

    /// <summary>Checks a bundle in hand (`pot proof verify` checks a file this way) against the round's claims.</summary>
    public ProofVerdict CheckBundle(IProofBundle bundle, ProofCheck check, IReadOnlySet<HexBytes> judgedProofs)
    {
        if (bundle.Hash() != check.ProofHash)
            return ProofVerdict.Refused("wrong-proof", $"the bundle hashes to {bundle.Hash()}, the round names {check.ProofHash}");
        if (bundle.Kind != check.ProofKind)
            return ProofVerdict.Refused("wrong-proof-kind", $"the round declares {check.ProofKind}, the bundle is {bundle.Kind}");
        switch (bundle)
        {
            case TrainingRecord training:
                if (!options.Tasks.TryGetValue(training.Manifest.Task, out var task))
                    return ProofVerdict.Refused("unknown-task", $"this validator has no challenge set for task '{training.Manifest.Task}'");
                return PolVerifier.Verify(training, check.Provider, check.AgentId, judgedProofs, task.ChallengeSet(check.Validator, check.RoundSeed),
                    options.Training);
            case SgdStepProof step:
                return SgdStepVerifier.Verify(SgdStepCircuit.VerificationKey, step, check.Provider, judgedProofs, options.SgdStep);
            default:
                return ProofVerdict.Refused("unverifiable-kind", $"no verifier for {bundle.Kind}");
        }
    }
}
