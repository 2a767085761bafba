using System.Collections.Immutable;
using PoT.Persistence;
using PoT.Protocol;

namespace PoT.Ledger;

/// <summary>An account as clients see it (GET /v1/accounts/{address}).</summary>
[Manifest("account-view.v1")]
public sealed record AccountView(
    Address Address,
    bool Exists,
    UInt128 Balance,
    UInt128 ValidatorStake,
    ImmutableSortedDictionary<string, UInt128> AgentStakes,
    ImmutableList<Unbonding> Unbonding,
    ulong NextNonce,
    long Version,
    ImmutableSortedDictionary<string, UInt128> ProofBonds) : IPotMessage
{
    public static AccountView Of(AccountState s) =>
        new(s.Address, s.Exists, s.Balance, s.ValidatorStake, s.AgentStakes, s.Unbonding, s.Nonce, s.Version, s.ProofBonds);
}

[Manifest("account-snapshot.v1")]
public sealed record AccountSnapshot(AccountState State, string Head) : IPotMessage;
