namespace PoT.Protocol;

/// <summary>
/// Every error a client can receive, as a stable code. Codes are part of the API: never rename one.
/// docs/api.md lists them with their HTTP status.
/// </summary>
public static class ErrorCodes
{
    // Envelope and transport
    public const string MalformedJson = "malformed-json";
    public const string PayloadTooLarge = "payload-too-large";
    public const string UnknownCommandType = "unknown-command-type";
    public const string MissingField = "missing-field";
    public const string InvalidField = "invalid-field";
    public const string InvalidSignature = "invalid-signature";
    public const string WrongSigner = "wrong-signer";

    // Nonces
    public const string StaleNonce = "stale-nonce";
    public const string FutureNonce = "future-nonce";
    public const string NonceAlreadyUsed = "nonce-already-used";

    // Amounts and funds
    public const string InvalidAmount = "invalid-amount";
    public const string AmountOverflow = "amount-overflow";
    public const string InsufficientFunds = "insufficient-funds";
    public const string InsufficientStake = "insufficient-stake";
    public const string StakeBelowMinimum = "stake-below-minimum";
    public const string PriceBelowMinimum = "price-below-minimum";
    public const string UnbondingNotMatured = "unbonding-not-matured";
    public const string NothingToWithdraw = "nothing-to-withdraw";
    public const string SelfTransfer = "self-transfer";

    // Entities
    public const string UnknownAccount = "unknown-account";
    public const string UnknownAgent = "unknown-agent";
    public const string AgentExists = "agent-exists";
    public const string NotAgentOwner = "not-agent-owner";
    public const string AgentDeregistered = "agent-deregistered";
    public const string AgentBusy = "agent-busy";

    // Validation rounds
    public const string NoValidators = "no-validators";
    public const string ValidationInProgress = "validation-in-progress";
    public const string AgentListed = "agent-listed";
    public const string AgentRejected = "agent-rejected";
    public const string UnknownRound = "unknown-round";
    public const string RoundClosed = "round-closed";
    public const string NotCommitteeMember = "not-committee-member";
    public const string CommitTooLate = "commit-too-late";
    public const string RevealTooEarly = "reveal-too-early";
    public const string RevealTooLate = "reveal-too-late";
    public const string NotCommitted = "not-committed";
    public const string RevealMismatch = "reveal-mismatch";
    public const string ValidatorEquivocated = "validator-equivocated";
    public const string InvalidEvidence = "invalid-evidence";
    public const string AlreadyProven = "already-proven";
    /// <summary>Evidence against a round's members arrived after the round's evidence deadline.</summary>
    public const string EvidenceWindowClosed = "evidence-window-closed";

    // Proofs
    public const string MalformedProof = "malformed-proof";
    /// <summary>A training log whose checkpoints do not match what its manifest declares (count, steps, sizes).</summary>
    public const string MalformedLog = "malformed-log";
    public const string ProofNotFound = "proof-not-found";
    /// <summary>The proof names (or is bound to) another provider than the one submitting it or the round judging it.</summary>
    public const string NotBoundToProvider = "not-bound-to-provider";
    /// <summary>The proof names (or is bound to) another agent than the one submitted for.</summary>
    public const string WrongAgent = "wrong-agent";
    /// <summary>A number in a proof (a weight, a feature, a tolerance, a learning rate) is NaN or infinite.</summary>
    public const string NonFiniteNumber = "non-finite-number";
    /// <summary>A proof declares more than the configured limits (pot.proofs.limits) or more verification work.</summary>
    public const string ProofOverBudget = "proof-over-budget";

    // Task execution (the planner's codes are with the tasks group)
    public const string TaskExists = "task-exists";
    public const string TaskStopped = "task-stopped";
    public const string UnknownTask = "unknown-task";
    public const string DeadlinePassed = "deadline-passed";

    // Node
    public const string Timeout = "timeout";
    public const string NotFound = "not-found";
    public const string Unavailable = "unavailable";

    // Tasks
    public const string InvalidPlan = "invalid-plan";
    public const string UnknownTemplate = "unknown-template";
    public const string UnknownDependency = "unknown-dependency";
    public const string PlanCycle = "plan-cycle";
    public const string NoAgentForCapability = "no-agent-for-capability";
}
