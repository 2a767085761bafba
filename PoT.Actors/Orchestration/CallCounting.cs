using PoT.Adapters;

namespace PoT.Orchestration;

/// <summary>
/// Which calls of an agent count for or against it — one rule for its SLA window (<see cref="SlaRules"/>), the router's
/// recent window (<see cref="AgentIndex.RecordOutcome"/>) and its reputation (the reputation fold): a call counts when
/// its payer is not the agent's own provider (a self-call proves nothing and could pad the record for free) and it
/// either succeeded or failed by the agent's own fault (<see cref="AgentErrorCodes.IsAgentFault"/>).
/// </summary>
public static class CallCounting
{
    /// <summary>The payer (the task's user) is the agent's own provider.</summary>
    public static bool IsSelfCall(Address payer, Address provider) => payer == provider;

    /// <summary>Whether the call's outcome is evidence about the agent.</summary>
    public static bool Counts(bool success, string? code, Address payer, Address provider) =>
        !IsSelfCall(payer, provider) && (success || AgentErrorCodes.IsAgentFault(code));
}
