using System.Collections.Concurrent;
using PoT.Protocol;

namespace PoT.Proofs;

/// <summary>What a validator checks for one round: the proof the round names, whose it is (provider and agent), the
/// round's id (a ZK proof is bound to it, hashed whole as given here) and seed (from which the validator's own
/// challenge set is drawn).</summary>
public sealed record ProofCheck(string RoundId, string ProofKind, HexBytes ProofHash, Address Provider, string AgentId, HexBytes RoundSeed,
    Address Validator);

/// <summary>
/// One entry point for every verifiable proof kind: finds the bundle in the store, checks that it is of the kind the
/// round declares, and runs that kind's verifier. Pure apart from reading the store; CPU-heavy, so actors call it from
/// the verifier pool (<see cref="ProofVerifierActor"/>), never from an entity.
/// </summary>
public sealed class ProofChecker(ProofStore store, ProofsOptions options)
{
    private readonly ConcurrentDictionary<HexBytes, HexBytes> _claimOfBundle = new();

    public ProofsOptions Options => options;

    /// <param name="judgedProofs">Proofs already judged in earlier rounds (a replay is refused).</param>
    public ProofVerdict Check(ProofCheck check, JudgedProofs judgedProofs)
    {
        if (!ProofBundle.Kinds.Contains(check.ProofKind))
            return ProofVerdict.Refused("unverifiable-kind", $"proof kind '{check.ProofKind}' cannot be checked automatically");
        IProofBundle? bundle;
        try
        {
            bundle = store.Find(check.ProofHash);
        }
        catch (ProofFormatException e)
        {
            return ProofVerdict.Refused(e.Code, e.Message);
        }
        catch (Exception e) when (e is FormatException or InvalidDataException)
        {
            return ProofVerdict.Refused(ErrorCodes.MalformedProof, e.Message);
        }
        if (bundle is null) return ProofVerdict.Refused("proof-not-found", $"no bundle {check.ProofHash} in the proof store; upload it with PUT /v1/proofs");
        return CheckBundle(bundle, check, judgedProofs);
    }

    /// <summary>Whether a round over this proof may open: a kind no verifier checks (opaque) always; otherwise the bundle
    /// must be stored, readable, and within this node's limits (<see cref="ProofAdmission"/>) — the checks a validator
    /// would refuse it for before any work, so a provider learns of them before it spends a nonce and a bond — and it
    /// must be the submitter's proof of this agent (<see cref="ProofBinding"/>): nobody lists another's model as theirs.</summary>
    public ProofProblem? Admit(string kind, HexBytes hash, Address provider, string agentId)
    {
        if (!ProofBundle.Kinds.Contains(kind)) return null;
        try
        {
            return store.Find(hash) is { } bundle
                ? ProofBinding.Problem(bundle, provider, agentId) ?? ProofAdmission.Problem(bundle, options.Training)
                : new ProofProblem(ErrorCodes.ProofNotFound,
                    $"no {kind} proof {hash} on this node: upload the bundle (PUT /v1/proofs, `pot proof upload`) first");
        }
        catch (ProofFormatException e)
        {
            return new ProofProblem(e.Code, e.Message);
        }
        catch (Exception e) when (e is FormatException or InvalidDataException or ArgumentException)
        {
            return new ProofProblem(ErrorCodes.MalformedProof, e.Message);
        }
    }

    /// <summary>Checks a bundle in hand (`pot proof verify` checks a file this way) against the round's claims. Every
    /// bundle gets a verdict: whatever a bundle makes the verifier throw is that bundle's fault, a rejection
    /// attributed to its provider — never a silence that would count as the validators' miss.</summary>
    public ProofVerdict CheckBundle(IProofBundle bundle, ProofCheck check, JudgedProofs judgedProofs)
    {
        try
        {
            return CheckKind(bundle, check, judgedProofs);
        }
        catch (Exception e) when (e is not (OutOfMemoryException or IOException or UnauthorizedAccessException))
        {
            return ProofVerdict.Refused(ErrorCodes.MalformedProof, $"the verifier could not process this bundle: {e.GetType().Name}: {e.Message}");
        }
    }

    private ProofVerdict CheckKind(IProofBundle bundle, ProofCheck check, JudgedProofs judgedProofs)
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
                return PolVerifier.Verify(training, check.Provider, check.AgentId, judgedProofs.Bundles, task.ChallengeSet(check.Validator, check.RoundSeed),
                    task.Requirements, options.Training);
            case SgdStepProof step:
                return SgdStepVerifier.Verify(SgdStepCircuit.VerificationKey, step, check, JudgedClaims(judgedProofs), options.SgdStep, options.LinearTasks);
            default:
                return ProofVerdict.Refused("unverifiable-kind", $"no verifier for {bundle.Kind}");
        }
    }

    /// <summary>The claim keys of the judged ZK bundles, each read once from the store (a bundle is content-addressed, so its
    /// key never changes). A judged bundle the store does not hold or cannot read adds no key; its proof still names its
    /// own round, so it fails <c>wrong-round</c> in any other.</summary>
    private HashSet<HexBytes> JudgedClaims(JudgedProofs judged)
    {
        var claims = new HashSet<HexBytes>();
        foreach (var hash in judged.ZkBundles)
        {
            if (!_claimOfBundle.TryGetValue(hash, out var key))
            {
                IProofBundle? bundle;
                try
                {
                    bundle = store.Find(hash);
                }
                catch (Exception e) when (e is FormatException or InvalidDataException)
                {
                    continue;
                }
                if (bundle is not SgdStepProof proof) continue;
                key = _claimOfBundle.GetOrAdd(hash, proof.ClaimKey());
            }
            claims.Add(key);
        }
        return claims;
    }
}
