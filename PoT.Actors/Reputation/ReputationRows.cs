using PoT.Registry;

namespace PoT.Reputation;

/// <summary>
/// An agent's reputation (docs/reputation.md): its status, the validated score (an exponential moving average of
/// its rounds' consensus scores, millionths, pulled toward 0 by SLA breaches), its rounds by verdict, the stake behind
/// it, what was slashed, the emission its provider earned for it, and its record on tasks: calls (successes and
/// the failures it caused, from payers other than its provider), successful calls, latency (moving average of
/// successful calls, ms), SLA breaches, its provider's own calls (counted apart), and who paid: paid calls from
/// independent payers, how many distinct payers, the sum of the squares of their paid calls, and the effective number
/// of payers (the inverse Simpson index (Σc)²/Σc², in millionths: 1,000,000 = one payer).
/// </summary>
public sealed record AgentReputation(
    string AgentId,
    Address Provider,
    AgentStatus Status,
    uint Score,
    int Rounds,
    int Approved,
    int Rejected,
    int NoQuorum,
    int Slashes,
    UInt128 Slashed,
    UInt128 Stake,
    UInt128 Rewards,
    string LastRound,
    int Calls,
    int SuccessfulCalls,
    uint LatencyMs,
    int SlaBreaches,
    int SelfCalls,
    int PaidCalls,
    int Payers,
    long PaidCallsSquared,
    long EffectivePayers)
{
    public static AgentReputation New(string agentId, Address provider) =>
        new(agentId, provider, AgentStatus.Registering, 0, 0, 0, 0, 0, 0, UInt128.Zero, UInt128.Zero, UInt128.Zero, "", 0, 0, 0, 0, 0, 0, 0, 0, 0);

    /// <summary>The inverse Simpson index of the paid calls over their payers, (Σc)² / Σc², in millionths (rounded down):
    /// n payers paying equally count n; one payer among many small ones counts barely more than one. 0 without paid
    /// calls. Integer arithmetic only (it is part of the digest).</summary>
    public static long EffectivePayersOf(int paidCalls, long paidCallsSquared) =>
        paidCallsSquared == 0 ? 0 : (long)((Int128)paidCalls * paidCalls * 1_000_000 / paidCallsSquared);

    /// <summary>Successful calls per 10,000 calls made for tasks (0 before the first call).</summary>
    [Newtonsoft.Json.JsonIgnore]
    public uint SuccessRateBps => Calls == 0 ? 0 : (uint)(SuccessfulCalls * 10_000L / Calls);

    /// <summary>Judged at least once (approved or rejected): its score means something.</summary>
    public bool Judged => Approved + Rejected > 0;
}

/// <summary>How many paid calls of one agent one payer made (payers other than the agent's provider, calls that
/// succeeded at a price above 0): the counts behind <see cref="AgentReputation.Payers"/> and
/// <see cref="AgentReputation.EffectivePayers"/>. Table pot_agent_payer, one row per agent and payer.</summary>
public sealed record AgentPayer(string AgentId, Address Payer, int PaidCalls)
{
    /// <summary>The row's key: agent id, a space, the payer's address (agent ids have no spaces).</summary>
    [Newtonsoft.Json.JsonIgnore]
    public string Key => KeyOf(AgentId, Payer);

    public static string KeyOf(string agentId, Address payer) => $"{agentId} {payer.Value}";
}

/// <summary>A validator's reputation: stake, agreement with consensus (moving average, millionths), rounds revealed and
/// missed, emission earned, equivocations, slashes, ejection.</summary>
public sealed record ValidatorReputation(
    Address Validator,
    UInt128 Stake,
    uint Agreement,
    int Rounds,
    int Misses,
    UInt128 Rewards,
    int Equivocations,
    int Slashes,
    UInt128 Slashed,
    bool Ejected)
{
    public static ValidatorReputation New(Address validator) => new(validator, UInt128.Zero, 0, 0, 0, UInt128.Zero, 0, 0, UInt128.Zero, false);
}

/// <summary>A provider's aggregate over its agents: how many, how many listed, rejected and ever judged, their stake,
/// the mean validated score of the judged ones, slashes, and the emission it earned for them.</summary>
public sealed record ProviderReputation(
    Address Provider,
    int Agents,
    int Listed,
    int Rejected,
    int Judged,
    UInt128 Stake,
    uint Score,
    int Slashes,
    UInt128 Slashed,
    UInt128 Rewards)
{
    public static ProviderReputation Of(Address provider, IEnumerable<AgentReputation> agents)
    {
        var list = agents.ToList();
        var judged = list.Where(a => a.Judged).ToList();
        return new ProviderReputation(provider, list.Count, list.Count(a => a.Status == AgentStatus.Listed),
            list.Count(a => a.Status == AgentStatus.Rejected), judged.Count, Sum(list, a => a.Stake),
            judged.Count == 0 ? 0 : (uint)(judged.Aggregate(0UL, (s, a) => s + a.Score) / (ulong)judged.Count),
            list.Sum(a => a.Slashes), Sum(list, a => a.Slashed), Sum(list, a => a.Rewards));
    }

    private static UInt128 Sum(IEnumerable<AgentReputation> agents, Func<AgentReputation, UInt128> amount) =>
        agents.Aggregate(UInt128.Zero, (s, a) => checked(s + amount(a)));
}

/// <summary>Network totals: the supply and where it sits, and counts.</summary>
public sealed record NetworkTotals(
    UInt128 Genesis,
    UInt128 Emitted,
    UInt128 Burned,
    UInt128 Supply,
    UInt128 ValidatorStake,
    UInt128 AgentStake,
    UInt128 Unbonding,
    int Accounts,
    int Agents,
    int ListedAgents,
    int Validators,
    int RoundsFinalized,
    long Events,
    int Tasks,
    int TasksCompleted,
    UInt128 TaskFees,
    UInt128 ProofBonds)
{
    public static readonly NetworkTotals Empty = new(UInt128.Zero, UInt128.Zero, UInt128.Zero, UInt128.Zero, UInt128.Zero, UInt128.Zero, UInt128.Zero,
        0, 0, 0, 0, 0, 0, 0, 0, UInt128.Zero, UInt128.Zero);
}
