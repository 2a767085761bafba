using System.Collections.Immutable;
using PoT.Persistence;
using PoT.Protocol;

namespace PoT.Ledger;

/// <summary>Base of the account entity's events (tag: ledger).</summary>
public abstract record LedgerEvent : PotEvent, ILedgerEvent;

[Manifest("genesis-minted.v1")]
public sealed record GenesisMinted(UInt128 Amount, string GenesisHash) : LedgerEvent;

/// <summary>The debit half of a transfer. The outbox relay then credits the recipient.</summary>
[Manifest("transfer-sent.v1")]
public sealed record TransferSent(Address To, UInt128 Amount) : LedgerEvent, IOutboxEvent
{
    public IEnumerable<OutboxDelivery> Deliveries(OutboxSource source)
    {
        var envelope = Meta.Envelope!;
        yield return new OutboxDelivery(EntityKind.Account, To.Value,
            new CreditTransfer(To, envelope.Signer, envelope.Nonce(), Amount, envelope.Digest));
    }
}

[Manifest("transfer-received.v1")]
public sealed record TransferReceived(Address From, ulong FromNonce, UInt128 Amount, string CommandId) : LedgerEvent;

/// <summary>Validator stake changes are reported to the validator set, which draws committees from it.</summary>
public abstract record ValidatorStakeEvent : LedgerEvent, IOutboxEvent
{
    protected abstract (UInt128 Increase, UInt128 Decrease) Delta { get; }

    public IEnumerable<OutboxDelivery> Deliveries(OutboxSource source)
    {
        var account = Address.Parse(source.PersistenceId[(EntityIds.Prefix(EntityKind.Account).Length + 1)..]);
        var (increase, decrease) = Delta;
        yield return new OutboxDelivery(EntityKind.ValidatorSet, ValidatorSetIds.EntityId,
            new PoT.Consensus.ValidatorStakeDelta(account, increase, decrease, source.Stamp(0)));
    }
}

[Manifest("validator-stake-locked.v1")]
public sealed record ValidatorStakeLocked(UInt128 Amount) : ValidatorStakeEvent
{
    protected override (UInt128 Increase, UInt128 Decrease) Delta => (Amount, UInt128.Zero);
}

[Manifest("agent-stake-locked.v1")]
public sealed record AgentStakeLocked(string AgentId, UInt128 Amount) : LedgerEvent, IRegistryEvent;

[Manifest("validator-stake-unbonding.v1")]
public sealed record ValidatorStakeUnbonding(UInt128 Amount, DateTimeOffset ReleaseAt) : ValidatorStakeEvent
{
    protected override (UInt128 Increase, UInt128 Decrease) Delta => (UInt128.Zero, Amount);
}

/// <summary>An agent was deregistered: all of its stake enters unbonding.</summary>
[Manifest("agent-stake-unbonding.v1")]
public sealed record AgentStakeUnbonding(string AgentId, UInt128 Amount, DateTimeOffset ReleaseAt) : LedgerEvent, IRegistryEvent;

/// <summary>Every unbonding entry released at or before <paramref name="MaturedBy"/> returned to the balance.</summary>
[Manifest("unbonding-withdrawn.v1")]
public sealed record UnbondingWithdrawn(UInt128 Amount, DateTimeOffset MaturedBy) : LedgerEvent;

/// <summary>The account's part of an agent update: the provider's nonce is spent, no tokens move.</summary>
[Manifest("agent-command-authorized.v1")]
public sealed record AgentCommandAuthorized(string AgentId) : LedgerEvent;

/// <summary>Tokens paid in by another entity (reward, slash share, bounty).</summary>
[Manifest("credited.v1")]
public sealed record Credited(UInt128 Amount, string Reason, RelayStamp Stamp) : LedgerEvent;

/// <summary>A fee that leaves the supply (the registration fee of an agent): every cheap action that costs the network
/// work costs its sender, and burning it pays nobody who could profit from provoking it.</summary>
[Manifest("fee-burned.v1")]
public sealed record FeeBurned(string Reason, UInt128 Amount) : LedgerEvent, ISupplyChange
{
    UInt128 ISupplyChange.Minted => UInt128.Zero;

    UInt128 ISupplyChange.Burned => Amount;
}

/// <summary>A proof submission's bond left the balance: returned when the round approves, burned when it rejects or
/// ends without a verdict (docs/consensus.md), returned if no round could open.</summary>
[Manifest("proof-bond-locked.v1")]
public sealed record ProofBondLocked(string AgentId, UInt128 Amount) : LedgerEvent, IRegistryEvent;

/// <summary>The bond of the agent's last proof submission came back to the balance.</summary>
[Manifest("proof-bond-released.v1")]
public sealed record ProofBondReleased(string AgentId, UInt128 Amount, string Reason, RelayStamp Stamp) : LedgerEvent, IRegistryEvent;

/// <summary>The bond of the agent's last proof submission was burned: its round rejected the proof or reached no verdict.</summary>
[Manifest("proof-bond-forfeited.v1")]
public sealed record ProofBondForfeited(string AgentId, UInt128 Amount, string Reason, RelayStamp Stamp) : LedgerEvent, IRegistryEvent, ISupplyChange
{
    UInt128 ISupplyChange.Minted => UInt128.Zero;

    UInt128 ISupplyChange.Burned => Amount;
}

/// <summary>A stake was slashed: <paramref name="Amount"/> left the stake; <paramref name="Burned"/> of it left the supply,
/// the rest was paid to <paramref name="Payouts"/> (delivered by the relay). <paramref name="AgentId"/> null: the
/// validator stake. <paramref name="FromUnbonding"/> of the amount came from the unbonding entries (oldest first: the
/// agent's, or the validator's that began at or after <paramref name="BackedSince"/>), the rest from the stake itself
/// (absent in events of older nodes: 0).</summary>
[Manifest("stake-slashed.v1")]
public sealed record StakeSlashed(
    string? AgentId,
    UInt128 Amount,
    UInt128 Burned,
    ImmutableArray<PoT.Consensus.Payout> Payouts,
    string Reason,
    RelayStamp Stamp,
    UInt128 FromUnbonding = default,
    DateTimeOffset? BackedSince = null) : LedgerEvent, IRegistryEvent, IOutboxEvent, ISupplyChange
{
    UInt128 ISupplyChange.Minted => UInt128.Zero;

    /// <summary>What left the agent's (or validator's) stake itself.</summary>
    [Newtonsoft.Json.JsonIgnore]
    public UInt128 FromStake => Amount - FromUnbonding;

    public IEnumerable<OutboxDelivery> Deliveries(OutboxSource source)
    {
        var index = 0;
        foreach (var payout in Payouts)
            yield return new OutboxDelivery(EntityKind.Account, payout.To.Value, new Credit(payout.To, payout.Amount, Reason, source.Stamp(index++)));
        // The validator set counts bonded stake only: what came from unbonding entries had already left it.
        if (AgentId is null)
        {
            var account = Address.Parse(source.PersistenceId[(EntityIds.Prefix(EntityKind.Account).Length + 1)..]);
            yield return new OutboxDelivery(EntityKind.ValidatorSet, ValidatorSetIds.EntityId,
                new PoT.Consensus.ValidatorStakeDelta(account, UInt128.Zero, FromStake, source.Stamp(index)));
        }
    }
}

/// <summary>A task's budget left the balance into escrow; the relay opens task-{taskId} with it (docs/orchestration.md).</summary>
[Manifest("task-escrowed.v1")]
public sealed record TaskEscrowed(
    string TaskId,
    UInt128 Budget,
    DateTimeOffset Deadline,
    string Goal,
    PoT.Orchestration.PlanRequest Plan,
    string Input) : LedgerEvent, IOutboxEvent
{
    public IEnumerable<OutboxDelivery> Deliveries(OutboxSource source)
    {
        var envelope = Meta.Envelope!;
        yield return new OutboxDelivery(EntityKind.Task, TaskId,
            new PoT.Orchestration.OpenTask(envelope.Signer, TaskId, Goal, Plan, Input, Budget, Deadline, envelope.Digest, source.Stamp(0)));
    }
}
