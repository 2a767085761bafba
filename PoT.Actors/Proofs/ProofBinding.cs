using PoT.Protocol;

namespace PoT.Proofs;

/// <summary>
/// Whose a proof is: the provider and the agent a bundle names (a <c>pol-v1</c> manifest) or is bound to (a ZK proof's
/// public inputs) must be the round's. One rule, run at submission (<see cref="ProofChecker.Admit"/>, so a provider
/// cannot lock a bond on someone else's proof, nor list it) and by each verifier.
/// </summary>
public static class ProofBinding
{
    public static ProofProblem? Problem(IProofBundle bundle, Address provider, string agentId) => bundle switch
    {
        TrainingRecord training => Problem(training.Manifest, provider, agentId),
        SgdStepProof step when step.PublicSignals.Length == SgdStepClaim.Signals => Problem(step.Claim, provider, agentId),
        _ => null
    };

    public static ProofProblem? Problem(ProofManifest m, Address provider, string agentId)
    {
        if (m.Provider != provider) return new(ErrorCodes.NotBoundToProvider, $"the proof names {m.Provider}, the round's provider is {provider}");
        if (m.AgentId != agentId) return new(ErrorCodes.WrongAgent, $"the proof is for agent '{m.AgentId}', the round judges '{agentId}'");
        return null;
    }

    public static ProofProblem? Problem(SgdStepClaim claim, Address provider, string agentId)
    {
        if (claim.Provider != SgdStepClaim.AddressAsField(provider))
            return new(ErrorCodes.NotBoundToProvider,
                $"the proof is bound to 0x{claim.Provider.ToString("x").TrimStart('0').PadLeft(40, '0')}, the round's provider is {provider}");
        if (claim.Agent != SgdStepClaim.AgentField(agentId))
            return new(ErrorCodes.WrongAgent, $"the proof is bound to another agent than '{agentId}', the agent this round judges");
        return null;
    }
}
