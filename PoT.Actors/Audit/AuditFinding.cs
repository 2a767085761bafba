namespace PoT.Audit;

/// <summary>
/// One thing the audit found wrong, located exactly: the journal row (global ordering), the entity and its sequence
/// number, the rule it breaks (a stable code, <see cref="AuditRules"/>) and what was seen.
/// </summary>
public sealed record AuditFinding(string Rule, long Ordering, string PersistenceId, long SequenceNr, string Message)
{
    public override string ToString() => $"{Rule} at {PersistenceId}#{SequenceNr} (ordering {Ordering}): {Message}";
}

/// <summary>The rules an audit checks, as the codes its findings carry (docs/audit.md explains each).</summary>
public static class AuditRules
{
    public const string Undecodable = "undecodable";
    public const string Deleted = "deleted-event";
    public const string SequenceGap = "sequence-gap";
    public const string HashChain = "hash-chain";
    public const string BadSignature = "bad-signature";
    public const string StateTransition = "state-transition";
    public const string CommitteeSelection = "committee-selection";
    public const string Tally = "tally-and-rewards";
    public const string Emission = "emission-schedule";
    public const string UnexplainedEvent = "unexplained-event";
    public const string DeliveryLost = "delivery-lost";
    public const string Conservation = "token-conservation";
    public const string Genesis = "genesis";
    public const string ReadModel = "read-model-digest";
}
