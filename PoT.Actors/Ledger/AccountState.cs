using System.Collections.Immutable;
using PoT.Persistence;
using PoT.Protocol;

namespace PoT.Ledger;

/// <param name="Since">When the stake began unbonding (null in entries of older journals): a validator's slash reaches an
/// entry that began unbonding after the stake was counted for the offence (<see cref="SlashStake.BackedSince"/>).</param>
public sealed record Unbonding(UInt128 Amount, DateTimeOffset ReleaseAt, string Source, DateTimeOffset? Since = null);

/// <summary>What the account remembers of an executed signed command, to answer an identical retry.</summary>
public sealed record Receipt(string Digest, ImmutableArray<string> EventIds);

/// <summary>
/// One account: balance, stakes, unbonding entries, the bonds of its proof submissions (by agent) and nonce. Immutable; <see cref="AccountEvolution.Apply"/> evolves
/// it from events, <see cref="AccountRules"/> decides commands against it. The auditor runs the same two functions.
/// </summary>
public sealed record AccountState(
    Address Address,
    bool Exists,
    UInt128 Balance,
    UInt128 ValidatorStake,
    ImmutableSortedDictionary<string, UInt128> AgentStakes,
    ImmutableList<Unbonding> Unbonding,
    ulong Nonce,
    ImmutableSortedDictionary<ulong, Receipt> Receipts,
    ImmutableSortedDictionary<string, ulong> CreditedUpTo,
    string? GenesisHash,
    RelayStamp RelayWatermark,
    long Version,
    ImmutableSortedDictionary<string, UInt128> ProofBonds)
{
    public static AccountState Empty(Address address) => new(address, false, UInt128.Zero, UInt128.Zero,
        ImmutableSortedDictionary<string, UInt128>.Empty, [], 0, ImmutableSortedDictionary<ulong, Receipt>.Empty,
        ImmutableSortedDictionary<string, ulong>.Empty, null, RelayStamp.None, 0, ImmutableSortedDictionary<string, UInt128>.Empty);

    /// <summary>A state read from a snapshot written before proof bonds existed.</summary>
    public AccountState Upgraded() => ProofBonds is null ? this with { ProofBonds = ImmutableSortedDictionary<string, UInt128>.Empty } : this;

    [Newtonsoft.Json.JsonIgnore]
    public string PersistenceId => EntityIds.PersistenceId(EntityKind.Account, Address.Value);

    [Newtonsoft.Json.JsonIgnore]
    public UInt128 AgentStakeTotal => AgentStakes.Values.Aggregate(UInt128.Zero, (a, b) => checked(a + b));

    [Newtonsoft.Json.JsonIgnore]
    public UInt128 UnbondingTotal => Unbonding.Aggregate(UInt128.Zero, (a, u) => checked(a + u.Amount));

    [Newtonsoft.Json.JsonIgnore]
    public UInt128 ProofBondTotal => ProofBonds.Values.Aggregate(UInt128.Zero, (a, b) => checked(a + b));

    /// <summary>Everything this account holds in any form: the unit of token conservation.</summary>
    [Newtonsoft.Json.JsonIgnore]
    public UInt128 Holdings => checked(Balance + ValidatorStake + AgentStakeTotal + UnbondingTotal + ProofBondTotal);
}

/// <summary>The pure evolution of an account by its events.</summary>
public static class AccountEvolution
{
    public static AccountState Apply(this AccountState s, PotEvent e, LedgerOptions options)
    {
        var next = e switch
        {
            GenesisMinted m => s with { Exists = true, Balance = checked(s.Balance + m.Amount), GenesisHash = m.GenesisHash },
            TransferSent t => s with { Balance = checked(s.Balance - t.Amount) },
            TransferReceived r => s with
            {
                Exists = true,
                Balance = checked(s.Balance + r.Amount),
                CreditedUpTo = s.CreditedUpTo.SetItem(r.From.Value, r.FromNonce)
            },
            ValidatorStakeLocked v => s with { Balance = checked(s.Balance - v.Amount), ValidatorStake = checked(s.ValidatorStake + v.Amount) },
            AgentStakeLocked a => s with
            {
                Balance = checked(s.Balance - a.Amount),
                AgentStakes = s.AgentStakes.SetItem(a.AgentId, checked(s.AgentStakes.GetValueOrDefault(a.AgentId) + a.Amount))
            },
            ValidatorStakeUnbonding u => s with
            {
                ValidatorStake = checked(s.ValidatorStake - u.Amount),
                Unbonding = s.Unbonding.Add(new Unbonding(u.Amount, u.ReleaseAt, ValidatorSource, e.Meta.At))
            },
            AgentStakeUnbonding u => s with
            {
                AgentStakes = s.AgentStakes.Remove(u.AgentId),
                Unbonding = s.Unbonding.Add(new Unbonding(u.Amount, u.ReleaseAt, AgentSource(u.AgentId), e.Meta.At))
            },
            UnbondingWithdrawn w => s with
            {
                Balance = checked(s.Balance + w.Amount),
                Unbonding = s.Unbonding.RemoveAll(u => u.ReleaseAt <= w.MaturedBy)
            },
            AgentCommandAuthorized => s,
            FeeBurned f => s with { Balance = checked(s.Balance - f.Amount) },
            ProofBondLocked b => s with
            {
                Balance = checked(s.Balance - b.Amount),
                ProofBonds = s.ProofBonds.SetItem(b.AgentId, checked(s.ProofBonds.GetValueOrDefault(b.AgentId) + b.Amount))
            },
            ProofBondReleased r => s with
            {
                Balance = checked(s.Balance + r.Amount), ProofBonds = s.ProofBonds.Remove(r.AgentId), RelayWatermark = r.Stamp
            },
            ProofBondForfeited f => s with { ProofBonds = s.ProofBonds.Remove(f.AgentId), RelayWatermark = f.Stamp },
            TaskEscrowed t => s with { Balance = checked(s.Balance - t.Budget) },
            Credited c => s with { Exists = true, Balance = checked(s.Balance + c.Amount), RelayWatermark = c.Stamp },
            StakeSlashed x when x.AgentId is null => s with
            {
                ValidatorStake = checked(s.ValidatorStake - x.FromStake),
                Unbonding = TakeFromUnbonding(s.Unbonding, u => u.Source == ValidatorSource && Backs(u, x.BackedSince), x.FromUnbonding),
                RelayWatermark = x.Stamp
            },
            StakeSlashed { AgentId: { } agentId } x => s with
            {
                // A deregistered agent has no stake entry left: a slash that reaches only its unbonding stake must not
                // bring one back (the account would own the agent again).
                AgentStakes = x.FromStake == UInt128.Zero && !s.AgentStakes.ContainsKey(agentId)
                    ? s.AgentStakes
                    : s.AgentStakes.SetItem(agentId, checked(s.AgentStakes.GetValueOrDefault(agentId) - x.FromStake)),
                Unbonding = TakeFromUnbonding(s.Unbonding, u => u.Source == AgentSource(agentId), x.FromUnbonding),
                RelayWatermark = x.Stamp
            },
            _ => throw new ArgumentException($"not an account event: {e.GetType().Name}")
        };
        next = next with { Version = s.Version + 1 };
        return e.Meta.Envelope is { } envelope ? next.RecordReceipt(envelope, options.ReceiptWindow) : next;
    }

    /// <summary>The source of an agent's unbonding entry.</summary>
    public static string AgentSource(string agentId) => $"agent:{agentId}";

    public const string ValidatorSource = "validator";

    /// <summary>Whether a validator's unbonding entry still backs an offence whose stake was counted at
    /// <paramref name="backedSince"/>: it began unbonding at or after that moment (Cosmos's rule: unbonding that began
    /// after the infraction stays slashable). Entries older than the offence, or without a start, do not.</summary>
    public static bool Backs(Unbonding entry, DateTimeOffset? backedSince) =>
        backedSince is { } counted && entry.Since is { } since && since >= counted;

    /// <summary>Takes <paramref name="amount"/> from the entries <paramref name="slashable"/> selects, oldest first; an
    /// entry taken whole leaves the list. More than they hold is an error (the rules never decide it).</summary>
    private static ImmutableList<Unbonding> TakeFromUnbonding(ImmutableList<Unbonding> entries, Func<Unbonding, bool> slashable, UInt128 amount)
    {
        if (amount == UInt128.Zero) return entries;
        var builder = entries.ToBuilder();
        for (var i = 0; i < builder.Count && amount > UInt128.Zero; i++)
        {
            if (!slashable(builder[i])) continue;
            var take = UInt128.Min(builder[i].Amount, amount);
            amount -= take;
            if (take == builder[i].Amount) builder.RemoveAt(i--);
            else builder[i] = builder[i] with { Amount = builder[i].Amount - take };
        }
        if (amount > UInt128.Zero) throw new InvalidOperationException($"a slash takes {amount} more from unbonding entries than they hold");
        return builder.ToImmutable();
    }

    /// <summary>A signed command spends its nonce and leaves a receipt (one per nonce, listing every event it caused),
    /// kept for the last <paramref name="window"/> nonces.</summary>
    private static AccountState RecordReceipt(this AccountState s, SignedEnvelope envelope, int window)
    {
        var nonce = envelope.Nonce();
        var eventId = EntityIds.EventId(s.PersistenceId, s.Version);
        var receipt = s.Receipts.TryGetValue(nonce, out var existing) && existing.Digest == envelope.Digest
            ? existing with { EventIds = existing.EventIds.Add(eventId) }
            : new Receipt(envelope.Digest, [eventId]);
        var receipts = s.Receipts.SetItem(nonce, receipt);
        while (receipts.Count > window) receipts = receipts.Remove(receipts.Keys.First());
        return s with { Nonce = nonce + 1, Receipts = receipts };
    }
}
