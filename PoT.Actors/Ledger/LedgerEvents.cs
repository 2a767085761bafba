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
    public IEnumerable<OutboxDelivery> Deliveries(string sourcePersistenceId)
    {
        var envelope = Meta.Envelope!;
        yield return new OutboxDelivery(EntityKind.Account, To.Value,
            new CreditTransfer(To, envelope.Signer, envelope.Nonce(), Amount, envelope.Digest));
    }
}

[Manifest("transfer-received.v1")]
public sealed record TransferReceived(Address From, ulong FromNonce, UInt128 Amount, string CommandId) : LedgerEvent;

[Manifest("validator-stake-locked.v1")]
public sealed record ValidatorStakeLocked(UInt128 Amount) : LedgerEvent;

[Manifest("agent-stake-locked.v1")]
public sealed record AgentStakeLocked(string AgentId, UInt128 Amount) : LedgerEvent, IRegistryEvent;

[Manifest("validator-stake-unbonding.v1")]
public sealed record ValidatorStakeUnbonding(UInt128 Amount, DateTimeOffset ReleaseAt) : LedgerEvent;

/// <summary>An agent was deregistered: all of its stake enters unbonding.</summary>
[Manifest("agent-stake-unbonding.v1")]
public sealed record AgentStakeUnbonding(string AgentId, UInt128 Amount, DateTimeOffset ReleaseAt) : LedgerEvent, IRegistryEvent;

/// <summary>Every unbonding entry released at or before <paramref name="MaturedBy"/> returned to the balance.</summary>
[Manifest("unbonding-withdrawn.v1")]
public sealed record UnbondingWithdrawn(UInt128 Amount, DateTimeOffset MaturedBy) : LedgerEvent;

/// <summary>The account's part of an agent update: the provider's nonce is spent, no tokens move.</summary>
[Manifest("agent-command-authorized.v1")]
public sealed record AgentCommandAuthorized(string AgentId) : LedgerEvent;
