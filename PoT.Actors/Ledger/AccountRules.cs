using System.Collections.Immutable;
using System.Numerics;
using PoT.Persistence;
using PoT.Protocol;
using PoT.Registry;
using static PoT.Persistence.Decision;

namespace PoT.Ledger;

/// <summary>
/// The ledger's rules: pure functions from (state, command, time) to a <see cref="Decision"/>. No I/O, no clock of
/// their own, so the entity, the property tests and the auditor all run exactly this code.
/// </summary>
public static class AccountRules
{
    /// <summary>Decides a verified signed command acting for this account.</summary>
    public static Decision Decide(AccountState s, ISignedCommand command, SignedEnvelope envelope, DateTimeOffset now, LedgerOptions options)
    {
        if (!s.Exists)
            return Rejected(ErrorCodes.UnknownAccount, $"{s.Address} has never held tokens, so it cannot act yet");
        if (NonceProblem(s, command.Nonce, envelope.Digest) is { } nonceDecision) return nonceDecision;

        return command switch
        {
            Transfer t => Positive(t.Amount) ?? (t.To == s.Address
                ? Rejected(ErrorCodes.SelfTransfer, "a transfer to the sending account itself does nothing")
                : Funds(s, t.Amount) ?? Emit(new TransferSent(t.To, t.Amount))),
            StakeAsValidator v => Positive(v.Amount) ?? Funds(s, v.Amount) ?? Emit(new ValidatorStakeLocked(v.Amount)),
            StakeForAgent a => Positive(a.Amount) ?? OwnAgent(s, a.AgentId) ?? Funds(s, a.Amount)
                ?? Emit(new AgentStakeLocked(a.AgentId, a.Amount)),
            Unstake u => Positive(u.Amount) ?? (s.ValidatorStake < u.Amount
                ? Rejected(ErrorCodes.InsufficientStake, $"validator stake is {s.ValidatorStake}, cannot unstake {u.Amount}")
                : Emit(new ValidatorStakeUnbonding(u.Amount, now + options.UnbondingPeriod))),
            Withdraw => DecideWithdraw(s, now),
            RegisterAgent r => Positive(r.Stake) ?? (s.AgentStakes.ContainsKey(r.AgentId)
                ? Rejected(ErrorCodes.AgentExists, $"agent '{r.AgentId}' already has stake in this account")
                : Funds(s, r.Stake, options.RegistrationFee) ?? Emit([
                    new AgentStakeLocked(r.AgentId, r.Stake),
                    .. Charge(options.RegistrationFee, fee => new FeeBurned($"registration:{r.AgentId}", fee))])),
            UpdateAgent u => OwnAgent(s, u.AgentId) ?? Emit(new AgentCommandAuthorized(u.AgentId)),
            SubmitTrainingProof p => OwnAgent(s, p.AgentId) ?? Funds(s, options.ProofBond) ?? Emit([
                new AgentCommandAuthorized(p.AgentId), .. Charge(options.ProofBond, bond => new ProofBondLocked(p.AgentId, bond))]),
            DeregisterAgent d => OwnAgent(s, d.AgentId)
                ?? Emit(new AgentStakeUnbonding(d.AgentId, s.AgentStakes[d.AgentId], now + options.UnbondingPeriod)),
            PoT.Orchestration.SubmitTask t => Positive(t.Budget) ?? Deadline(t, now) ?? Funds(s, t.Budget)
                ?? Emit(new TaskEscrowed(t.TaskId, t.Budget, DateTimeOffset.FromUnixTimeSeconds((long)t.Deadline), t.Goal, t.PlanRequest, t.Input)),
            _ => Rejected(ErrorCodes.UnknownCommandType, $"{command.GetType().Name} is not an account command")
        };
    }

    private static Decision? Deadline(PoT.Orchestration.SubmitTask t, DateTimeOffset now) =>
        t.Deadline <= (ulong)now.ToUnixTimeSeconds() || t.Deadline > long.MaxValue / 2
            ? Rejected(ErrorCodes.DeadlinePassed, $"the deadline {t.Deadline} (unix seconds) is not in the future (now {now.ToUnixTimeSeconds()})")
            : null;

    /// <summary>Decides a delivery from another entity. Redeliveries are recognised and change nothing.</summary>
    public static Decision Decide(AccountState s, IPotMessage delivery) => delivery switch
    {
        CreditTransfer c => s.CreditedUpTo.TryGetValue(c.From.Value, out var upTo) && upTo >= c.FromNonce
            ? Done(Acknowledged)
            : Emit(new TransferReceived(c.From, c.FromNonce, c.Amount, c.CommandId)),
        MintGenesis m => s.GenesisHash is not null ? Done(Acknowledged) : Emit(new GenesisMinted(m.Amount, m.GenesisHash)),
        Credit c => c.Stamp <= s.RelayWatermark ? Done(Acknowledged) : Emit(new Credited(c.Amount, c.Reason, c.Stamp)),
        SlashStake x => x.Stamp <= s.RelayWatermark ? Done(Acknowledged) : DecideSlash(s, x),
        SettleProofBond b when b.Stamp <= s.RelayWatermark || !s.ProofBonds.TryGetValue(b.AgentId, out _) => Done(Acknowledged),
        SettleProofBond b => Emit(b.Forfeit
            ? new ProofBondForfeited(b.AgentId, s.ProofBonds[b.AgentId], b.Reason, b.Stamp)
            : new ProofBondReleased(b.AgentId, s.ProofBonds[b.AgentId], b.Reason, b.Stamp)),
        _ => Rejected(ErrorCodes.UnknownCommandType, $"{delivery.GetType().Name} is not an account delivery")
    };

    private static readonly CommandAccepted Acknowledged = new("", []);

    /// <summary>The nonce rule: exactly the next one. An identical retry of an executed command gets its receipt back;
    /// a different message with a used nonce is rejected.</summary>
    private static Decision? NonceProblem(AccountState s, ulong nonce, string digest)
    {
        if (nonce == s.Nonce) return null;
        if (nonce > s.Nonce)
            return Rejected(ErrorCodes.FutureNonce, $"nonce {nonce} is ahead; the account's next nonce is {s.Nonce}");
        if (s.Receipts.TryGetValue(nonce, out var receipt))
            return receipt.Digest == digest
                ? Done(new CommandAccepted(digest, receipt.EventIds, Replayed: true))
                : Rejected(ErrorCodes.NonceAlreadyUsed, $"nonce {nonce} was already used by another command ({receipt.Digest})");
        return Rejected(ErrorCodes.StaleNonce, $"nonce {nonce} is used and older than the receipts kept; the next nonce is {s.Nonce}");
    }

    /// <summary>Slashes a share of one stake and divides it: burn first, then the recipients by weight (floor); the
    /// rounding remainder is burned too. A recipient with a cap is paid at most its cap, and what its share exceeds the
    /// cap by is not slashed at all. An agent's slash reaches the agent's stake and then its unbonding entries not yet
    /// withdrawn (oldest first): deregistering does not escape a slash; a validator's reaches its validator stake and then
    /// the entries that began unbonding after the stake was counted for the offence (<see cref="SlashStake.BackedSince"/>). Recorded even when the stake is already gone (a
    /// slash of 0), so that a redelivery can never slash stake added later.</summary>
    private static Decision DecideSlash(AccountState s, SlashStake x)
    {
        var stake = x.AgentId is null ? s.ValidatorStake : s.AgentStakes.GetValueOrDefault(x.AgentId);
        var unbonding = x.AgentId is null ? ValidatorUnbonding(s, x.BackedSince) : AgentUnbonding(s, x.AgentId);
        var slashable = checked(stake + unbonding);
        var amount = (UInt128)((BigInteger)slashable * x.FractionBps / PoT.Consensus.Basis.Points);
        var burn = (UInt128)((BigInteger)amount * x.BurnBps / PoT.Consensus.Basis.Points);
        var shares = PoT.Consensus.Tally.Split(amount - burn, x.Recipients.ToDictionary(r => r.To, r => (BigInteger)r.Weight)).ToImmutableArray();
        var caps = x.Caps.ToDictionary(c => c.To, c => c.Amount);
        var payouts = shares.Select(p => caps.TryGetValue(p.To, out var cap) && p.Amount > cap ? p with { Amount = cap } : p)
            .Where(p => p.Amount > UInt128.Zero).ToImmutableArray();
        var spared = shares.Aggregate(UInt128.Zero, (sum, p) => sum + p.Amount) - payouts.Aggregate(UInt128.Zero, (sum, p) => sum + p.Amount);
        var taken = amount - spared;
        var paid = payouts.Aggregate(UInt128.Zero, (sum, p) => sum + p.Amount);
        var fromUnbonding = taken > stake ? taken - stake : UInt128.Zero;
        return Emit(new StakeSlashed(x.AgentId, taken, taken - paid, payouts, x.Reason, x.Stamp, fromUnbonding, x.AgentId is null ? x.BackedSince : null));
    }

    /// <summary>The validator stake unbonding since the offence's stake was counted, not yet withdrawn: leaving a
    /// committee's stake does not escape its slash.</summary>
    private static UInt128 ValidatorUnbonding(AccountState s, DateTimeOffset? backedSince) =>
        s.Unbonding.Where(u => u.Source == AccountEvolution.ValidatorSource && AccountEvolution.Backs(u, backedSince))
            .Aggregate(UInt128.Zero, (sum, u) => checked(sum + u.Amount));

    /// <summary>The agent's stake that is unbonding and not yet withdrawn (entries with source agent:{id}).</summary>
    private static UInt128 AgentUnbonding(AccountState s, string agentId) =>
        s.Unbonding.Where(u => u.Source == AccountEvolution.AgentSource(agentId)).Aggregate(UInt128.Zero, (sum, u) => checked(sum + u.Amount));

    private static Decision DecideWithdraw(AccountState s, DateTimeOffset now)
    {
        if (s.Unbonding.IsEmpty) return Rejected(ErrorCodes.NothingToWithdraw, "nothing is unbonding");
        var matured = s.Unbonding.Where(u => u.ReleaseAt <= now).Aggregate(UInt128.Zero, (a, u) => checked(a + u.Amount));
        if (matured == UInt128.Zero)
            return Rejected(ErrorCodes.UnbondingNotMatured, $"the first unbonding entry is released at {s.Unbonding.Min(u => u.ReleaseAt):O}");
        return Emit(new UnbondingWithdrawn(matured, now));
    }

    private static Decision? Positive(UInt128 amount) =>
        amount == UInt128.Zero ? Rejected(ErrorCodes.InvalidAmount, "the amount must be at least 1 base unit") : null;

    private static Decision? Funds(AccountState s, UInt128 amount) =>
        s.Balance < amount ? Rejected(ErrorCodes.InsufficientFunds, $"balance is {s.Balance}, {amount} needed") : null;

    /// <summary>Funds for an amount and a charge on top of it (never overflowing: the sum is compared in two steps).</summary>
    private static Decision? Funds(AccountState s, UInt128 amount, UInt128 charge) =>
        s.Balance < amount || s.Balance - amount < charge
            ? Rejected(ErrorCodes.InsufficientFunds, $"balance is {s.Balance}, {amount} needed and a fee of {charge}")
            : null;

    /// <summary>The event of a charge, or none when it is configured as 0.</summary>
    private static IEnumerable<PotEvent> Charge(UInt128 amount, Func<UInt128, PotEvent> charge) => amount == UInt128.Zero ? [] : [charge(amount)];

    private static Decision? OwnAgent(AccountState s, string agentId) =>
        s.AgentStakes.ContainsKey(agentId) ? null : Rejected(ErrorCodes.UnknownAgent, $"{s.Address} has no registered agent '{agentId}'");
}
