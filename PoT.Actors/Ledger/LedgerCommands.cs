using System.Collections.Immutable;
using PoT.Persistence;
using PoT.Protocol;

namespace PoT.Ledger;

// Signed commands: each is read from the EIP-712 type of the same name in contracts/pot.eip712.json.

[Eip712Type("Transfer"), Manifest("transfer.v1")]
public sealed record Transfer(Address Account, Address To, UInt128 Amount, ulong Nonce) : ISignedCommand;

[Eip712Type("StakeAsValidator"), Manifest("stake-as-validator.v1")]
public sealed record StakeAsValidator(Address Account, UInt128 Amount, ulong Nonce) : ISignedCommand;

/// <summary>Adds stake behind an agent the account already registered.</summary>
[Eip712Type("StakeForAgent"), Manifest("stake-for-agent.v1")]
public sealed record StakeForAgent(Address Account, string AgentId, UInt128 Amount, ulong Nonce) : ISignedCommand;

/// <summary>Moves validator stake into unbonding; <see cref="Withdraw"/> returns it once the period has passed.</summary>
[Eip712Type("Unstake"), Manifest("unstake.v1")]
public sealed record Unstake(Address Account, UInt128 Amount, ulong Nonce) : ISignedCommand;

/// <summary>Returns every unbonding entry whose release time has passed to the balance.</summary>
[Eip712Type("Withdraw"), Manifest("withdraw.v1")]
public sealed record Withdraw(Address Account, ulong Nonce) : ISignedCommand;

// Deliveries from other entities, brought by the outbox relay (at least once; the account de-duplicates).

/// <summary>The credit half of a transfer. <paramref name="FromNonce"/> orders credits per sender, which the relay
/// delivers in order, so a high-water mark per sender de-duplicates redeliveries.</summary>
[Manifest("credit-transfer.v1")]
public sealed record CreditTransfer(Address To, Address From, ulong FromNonce, UInt128 Amount, string CommandId) : IPotMessage;

/// <summary>The genesis allocation of one account, minted once.</summary>
[Manifest("mint-genesis.v1")]
public sealed record MintGenesis(Address To, UInt128 Amount, string GenesisHash) : IPotMessage;

/// <summary>The account's part of an agent command (nonce, stake lock or release). The agent entity coordinates;
/// the relay brings this to the account and the account's <see cref="AccountStepResult"/> back to the agent.</summary>
[Manifest("apply-agent-step.v1")]
public sealed record ApplyAgentStep(SignedEnvelope Envelope) : IPotMessage;

[Manifest("account-step-result.v1")]
public sealed record AccountStepResult(string AgentId, string CommandId, ImmutableArray<string> EventIds, string? ErrorCode = null, string? ErrorMessage = null)
    : IPotMessage
{
    [Newtonsoft.Json.JsonIgnore]
    public bool Succeeded => ErrorCode is null;
}

/// <summary>A dry run of a signed command against the account (no event): lets the agent entity reject a command
/// the account would refuse before it writes anything.</summary>
[Manifest("check-signed.v1")]
public sealed record CheckSigned(SignedEnvelope Envelope) : IPotMessage;

// Queries

[Manifest("get-account.v1")]
public sealed record GetAccount(Address Address) : IPotMessage;

/// <summary>Tokens paid to an account by another entity's event: a reward minted by a round, a share of a slash, a
/// bounty. The relay stamp makes a redelivery recognizable.</summary>
[Manifest("credit.v1")]
public sealed record Credit(Address To, UInt128 Amount, string Reason, RelayStamp Stamp) : IPotMessage;

/// <summary>Settles the bond of <paramref name="AgentId"/>'s last proof submission: burned when
/// <paramref name="Forfeit"/>, returned otherwise. The relay delivers an account's settlements in journal order, and an
/// agent has one submission at a time, so the bond held is the one the settling round was opened for.</summary>
[Manifest("settle-proof-bond.v1")]
public sealed record SettleProofBond(Address Account, string AgentId, bool Forfeit, string Reason, RelayStamp Stamp) : IPotMessage;

/// <summary>Slashes <paramref name="FractionBps"/> of a stake of this account: the validator stake, or the stake
/// behind <paramref name="AgentId"/> (with what of it is still unbonding). <paramref name="BurnBps"/> of the slashed
/// amount is burned; the rest is paid to <paramref name="Recipients"/> by weight (what rounding leaves is burned too),
/// each recipient listed in <paramref name="Caps"/> at most its cap — the excess over a cap is not slashed. Caps empty
/// (or absent): uncapped.</summary>
[Manifest("slash-stake.v1")]
public sealed record SlashStake(
    Address Account,
    string? AgentId,
    int FractionBps,
    int BurnBps,
    ImmutableArray<PoT.Consensus.Weighted> Recipients,
    string Reason,
    RelayStamp Stamp,
    ImmutableArray<PoT.Consensus.Payout> Caps = default,
    DateTimeOffset? BackedSince = null) : IPotMessage
{
    public ImmutableArray<PoT.Consensus.Payout> Caps { get; init; } = Caps.IsDefault ? [] : Caps;
}
