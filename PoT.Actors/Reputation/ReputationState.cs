using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using PoT.Consensus;
using PoT.Ledger;
using PoT.Orchestration;
using PoT.Persistence;
using PoT.Registry;

namespace PoT.Reputation;

/// <summary>The moving-average weights of the reputation formulas (hocon/pot.conf, pot.reputation), in basis points.</summary>
public sealed record ReputationParameters(int ScoreAlphaBps, int AgreementAlphaBps, int LatencyAlphaBps = 2000)
{
    public static readonly ReputationParameters Default = new(3000, 2000, 2000);
}

/// <summary>
/// The reputation read models as one immutable value, and the pure fold that builds them from the journal
/// (docs/reputation.md gives every formula). The live projection, `pot projections rebuild` and `pot audit` all run
/// this same fold, so the same events always give the same rows and the same digest.
/// </summary>
public sealed record ReputationState(
    ImmutableSortedDictionary<string, AgentReputation> Agents,
    ImmutableSortedDictionary<string, ValidatorReputation> Validators,
    ImmutableSortedDictionary<string, ProviderReputation> Providers,
    ImmutableDictionary<string, ImmutableSortedSet<string>> AgentsByProvider,
    NetworkTotals Network,
    long Offset,
    ImmutableSortedDictionary<string, AgentPayer> Payers)
{
    public static readonly ReputationState Empty = new(ImmutableSortedDictionary<string, AgentReputation>.Empty.WithComparers(StringComparer.Ordinal),
        ImmutableSortedDictionary<string, ValidatorReputation>.Empty.WithComparers(StringComparer.Ordinal),
        ImmutableSortedDictionary<string, ProviderReputation>.Empty.WithComparers(StringComparer.Ordinal),
        ImmutableDictionary<string, ImmutableSortedSet<string>>.Empty, NetworkTotals.Empty, 0,
        ImmutableSortedDictionary<string, AgentPayer>.Empty.WithComparers(StringComparer.Ordinal));

    /// <summary>A state from stored rows (the provider index is derived from the agents).</summary>
    public static ReputationState From(IEnumerable<AgentReputation> agents, IEnumerable<ValidatorReputation> validators,
        IEnumerable<ProviderReputation> providers, NetworkTotals network, long offset, IEnumerable<AgentPayer> payers)
    {
        var agentRows = agents.ToList();
        return Empty with
        {
            Agents = Empty.Agents.AddRange(agentRows.Select(a => KeyValuePair.Create(a.AgentId, a))),
            Payers = Empty.Payers.AddRange(payers.Select(p => KeyValuePair.Create(p.Key, p))),
            Validators = Empty.Validators.AddRange(validators.Select(v => KeyValuePair.Create(v.Validator.Value, v))),
            Providers = Empty.Providers.AddRange(providers.Select(p => KeyValuePair.Create(p.Provider.Value, p))),
            AgentsByProvider = agentRows.GroupBy(a => a.Provider.Value)
                .ToImmutableDictionary(g => g.Key, g => g.Select(a => a.AgentId).ToImmutableSortedSet(StringComparer.Ordinal)),
            Network = network,
            Offset = offset
        };
    }

    /// <summary>Folds one journal event (skipping events of unknown entities), and moves the offset to its ordering.</summary>
    public ReputationState Apply(string persistenceId, long sequenceNr, PotEvent e, long ordering, ReputationParameters p)
    {
        var next = EntityIds.TryParse(persistenceId, out var kind, out var id) ? Fold(kind, id, sequenceNr, e, p) : this;
        if (e is ISupplyChange change && (change.Minted != UInt128.Zero || change.Burned != UInt128.Zero))
            next = next.WithNetwork(n => n with { Emitted = checked(n.Emitted + change.Minted), Burned = checked(n.Burned + change.Burned) });
        return next with { Network = next.Network with { Events = next.Network.Events + 1 }, Offset = ordering };
    }

    private ReputationState Fold(EntityKind kind, string id, long sequenceNr, PotEvent e, ReputationParameters p)
    {
        var s = kind == EntityKind.Account && sequenceNr == 1 ? WithNetwork(n => n with { Accounts = n.Accounts + 1 }) : this;
        return (kind, e) switch
        {
            (EntityKind.Account, GenesisMinted g) => s.WithNetwork(n => n with { Genesis = checked(n.Genesis + g.Amount) }),
            (EntityKind.Account, ValidatorStakeLocked l) => s.Validator(id, v => v with { Stake = checked(v.Stake + l.Amount) })
                .WithNetwork(n => n with { ValidatorStake = checked(n.ValidatorStake + l.Amount) }),
            (EntityKind.Account, ValidatorStakeUnbonding u) => s.Validator(id, v => v with { Stake = checked(v.Stake - u.Amount) })
                .WithNetwork(n => n with { ValidatorStake = checked(n.ValidatorStake - u.Amount), Unbonding = checked(n.Unbonding + u.Amount) }),
            (EntityKind.Account, AgentStakeLocked l) => s.Agent(l.AgentId, id, a => a with { Stake = checked(a.Stake + l.Amount) })
                .WithNetwork(n => n with { AgentStake = checked(n.AgentStake + l.Amount) }),
            (EntityKind.Account, AgentStakeUnbonding u) => s.Agent(u.AgentId, id, a => a with { Stake = checked(a.Stake - u.Amount) })
                .WithNetwork(n => n with { AgentStake = checked(n.AgentStake - u.Amount), Unbonding = checked(n.Unbonding + u.Amount) }),
            (EntityKind.Account, UnbondingWithdrawn w) => s.WithNetwork(n => n with { Unbonding = checked(n.Unbonding - w.Amount) }),
            // A slash may reach the agent's unbonding stake (after deregistration): only the rest left its stake.
            (EntityKind.Account, StakeSlashed { AgentId: { } agentId } x) => s
                .Agent(agentId, id, a => a with { Slashes = a.Slashes + 1, Slashed = checked(a.Slashed + x.Amount), Stake = checked(a.Stake - x.FromStake) })
                .WithNetwork(n => n with { AgentStake = checked(n.AgentStake - x.FromStake), Unbonding = checked(n.Unbonding - x.FromUnbonding) }),
            (EntityKind.Account, StakeSlashed x) => s
                .Validator(id, v => v with { Slashes = v.Slashes + 1, Slashed = checked(v.Slashed + x.Amount), Stake = checked(v.Stake - x.Amount) })
                .WithNetwork(n => n with { ValidatorStake = checked(n.ValidatorStake - x.Amount) }),
            (EntityKind.Account, ProofBondLocked b) => s.WithNetwork(n => n with { ProofBonds = checked(n.ProofBonds + b.Amount) }),
            (EntityKind.Account, ProofBondReleased b) => s.WithNetwork(n => n with { ProofBonds = checked(n.ProofBonds - b.Amount) }),
            (EntityKind.Account, ProofBondForfeited b) => s.WithNetwork(n => n with { ProofBonds = checked(n.ProofBonds - b.Amount) }),
            (EntityKind.Agent, AgentRegistered r) => s.Agent(id, r.Provider.Value, a => a with { Status = AgentStatus.Pending })
                .WithNetwork(n => n with { Agents = n.Agents + 1 }),
            (EntityKind.Agent, ValidationStarted v) => s.Agent(id, null, a => a with { Status = AgentStatus.Validating, LastRound = v.RoundId }),
            (EntityKind.Agent, ValidationNotStarted) => s.Agent(id, null, a => a with { Status = AgentStatus.Pending }),
            (EntityKind.Agent, AgentValidated v) => s.Agent(id, null, a => Judge(a, v, p)),
            (EntityKind.Agent, AgentDeregistered) => s.Agent(id, null, a => a with { Status = AgentStatus.Deregistered }),
            (EntityKind.Round, RoundFinalized f) => s.Finalize(f, p),
            (EntityKind.Emission, EpochClosed c) => s.Emit(c),
            (EntityKind.Round, EquivocationProven q) => s.Validator(q.Validator.Value, v => v with { Equivocations = v.Equivocations + 1 }),
            (EntityKind.ValidatorSet, ValidatorEjected j) => s.Validator(j.Validator.Value, v => v with { Ejected = true }),
            (EntityKind.Task, TaskOpened) => s.WithNetwork(n => n with { Tasks = n.Tasks + 1 }),
            (EntityKind.Task, TaskStopped { Reason: TaskStopReason.Completed }) => s.WithNetwork(n => n with { TasksCompleted = n.TasksCompleted + 1 }),
            (EntityKind.Task, StepSucceeded ok) => s.Succeeded(ok, p).WithNetwork(n => n with { TaskFees = checked(n.TaskFees + ok.Price) }),
            (EntityKind.Task, StepCallFailed f) => s.Agent(f.AgentId, null, a =>
                CallCounting.IsSelfCall(f.User, a.Provider) ? a with { SelfCalls = a.SelfCalls + 1 }
                : CallCounting.Counts(false, f.Code, f.User, a.Provider) ? a with { Calls = a.Calls + 1 }
                : a),
            // A breach counts as a round scored 0: the validated score moves toward 0 by α.
            (EntityKind.Agent, SlaBreached) => s.Agent(id, null, a => a with
            {
                SlaBreaches = a.SlaBreaches + 1, Score = Ema(a.Score, 0, true, p.ScoreAlphaBps)
            }),
            _ => s
        };
    }

    /// <summary>A successful call: the provider's own calls are counted apart and nothing else; any other payer's call
    /// counts (calls, success, latency), and a paid one (price above 0) adds to that payer's paid calls, and so to the
    /// agent's payer diversity.</summary>
    private ReputationState Succeeded(StepSucceeded ok, ReputationParameters p)
    {
        if (!Agents.TryGetValue(ok.AgentId, out var row)) return this;
        if (CallCounting.IsSelfCall(ok.User, row.Provider)) return Agent(ok.AgentId, null, a => a with { SelfCalls = a.SelfCalls + 1 });
        var s = this;
        var payer = AgentPayer.KeyOf(ok.AgentId, ok.User);
        var before = Payers.GetValueOrDefault(payer);
        var c = before?.PaidCalls ?? 0;
        if (ok.Price > UInt128.Zero)
            s = s with { Payers = Payers.SetItem(payer, new AgentPayer(ok.AgentId, ok.User, c + 1)) };
        return s.Agent(ok.AgentId, null, a =>
        {
            a = a with
            {
                Calls = a.Calls + 1, SuccessfulCalls = a.SuccessfulCalls + 1,
                LatencyMs = Ema(a.LatencyMs, (uint)Math.Min(ok.LatencyMs, uint.MaxValue), a.SuccessfulCalls > 0, p.LatencyAlphaBps)
            };
            if (ok.Price == UInt128.Zero) return a;
            // (c + 1)² − c² = 2c + 1: the sum of squares follows without revisiting the other payers.
            var squared = checked(a.PaidCallsSquared + 2L * c + 1);
            var paid = a.PaidCalls + 1;
            return a with
            {
                PaidCalls = paid, Payers = before is null ? a.Payers + 1 : a.Payers, PaidCallsSquared = squared,
                EffectivePayers = AgentReputation.EffectivePayersOf(paid, squared)
            };
        });
    }

    private static AgentReputation Judge(AgentReputation a, AgentValidated v, ReputationParameters p) => v.Verdict switch
    {
        RoundVerdict.Approved => a with
        {
            Status = AgentStatus.Listed, Rounds = a.Rounds + 1, Approved = a.Approved + 1, LastRound = v.RoundId,
            Score = Ema(a.Score, v.ConsensusScore, a.Judged, p.ScoreAlphaBps)
        },
        RoundVerdict.Rejected => a with
        {
            Status = AgentStatus.Rejected, Rounds = a.Rounds + 1, Rejected = a.Rejected + 1, LastRound = v.RoundId,
            Score = Ema(a.Score, v.ConsensusScore, a.Judged, p.ScoreAlphaBps)
        },
        _ => a with { Status = AgentStatus.Pending, Rounds = a.Rounds + 1, NoQuorum = a.NoQuorum + 1, LastRound = v.RoundId }
    };

    private ReputationState Finalize(RoundFinalized f, ReputationParameters p)
    {
        var s = WithNetwork(n => n with { RoundsFinalized = n.RoundsFinalized + 1 });
        foreach (var m in f.Members)
            s = s.Validator(m.Validator.Value, v => v with
            {
                Rounds = m.Revealed ? v.Rounds + 1 : v.Rounds,
                Agreement = m.Revealed ? Ema(v.Agreement, m.Agreement, v.Rounds > 0, p.AgreementAlphaBps) : v.Agreement,
                Misses = m.Missed ? v.Misses + 1 : v.Misses
            });
        return s;
    }

    /// <summary>An epoch's emission: validators' payouts to their rows, providers' to the agent each was earned by.</summary>
    private ReputationState Emit(EpochClosed c) => c.Payouts.Aggregate(this, (s, p) => p.AgentId is { } agentId
        ? s.Agent(agentId, p.To.Value, a => a with { Rewards = checked(a.Rewards + p.Amount) })
        : s.Validator(p.To.Value, v => v with { Rewards = checked(v.Rewards + p.Amount) }));

    /// <summary>Exponential moving average in millionths: the first value as is, then α·x + (1 − α)·previous, rounded down.</summary>
    public static uint Ema(uint previous, uint value, bool hasPrevious, int alphaBps) =>
        !hasPrevious ? value : (uint)(((ulong)alphaBps * value + (ulong)(Basis.Points - alphaBps) * previous) / Basis.Points);

    private ReputationState WithNetwork(Func<NetworkTotals, NetworkTotals> change)
    {
        var n = change(Network);
        return this with { Network = n with { Supply = checked(n.Genesis + n.Emitted - n.Burned) } };
    }

    private ReputationState Validator(string address, Func<ValidatorReputation, ValidatorReputation> change)
    {
        var before = Validators.GetValueOrDefault(address) ?? ValidatorReputation.New(Address.Parse(address));
        var after = change(before);
        var delta = (Active(after) ? 1 : 0) - (Validators.ContainsKey(address) && Active(before) ? 1 : 0);
        return this with
        {
            Validators = Validators.SetItem(address, after),
            Network = Network with { Validators = Network.Validators + delta }
        };

        static bool Active(ValidatorReputation v) => v.Stake > UInt128.Zero && !v.Ejected;
    }

    /// <summary>Changes an agent's row (creating it, with <paramref name="provider"/>, if this is its first event) and
    /// recomputes its provider's aggregate.</summary>
    private ReputationState Agent(string agentId, string? provider, Func<AgentReputation, AgentReputation> change)
    {
        var exists = Agents.TryGetValue(agentId, out var before);
        if (!exists && provider is null) return this;
        before ??= AgentReputation.New(agentId, Address.Parse(provider!));
        var after = change(before);
        var listedDelta = (after.Status == AgentStatus.Listed ? 1 : 0) - (exists && before.Status == AgentStatus.Listed ? 1 : 0);
        var owner = after.Provider.Value;
        var agents = Agents.SetItem(agentId, after);
        var index = AgentsByProvider.SetItem(owner,
            (AgentsByProvider.GetValueOrDefault(owner) ?? ImmutableSortedSet.Create<string>(StringComparer.Ordinal)).Add(agentId));
        return this with
        {
            Agents = agents,
            AgentsByProvider = index,
            Providers = Providers.SetItem(owner, ProviderReputation.Of(after.Provider, index[owner].Select(a => agents[a]))),
            Network = Network with { ListedAgents = Network.ListedAgents + listedDelta }
        };
    }

    /// <summary>SHA-256 over the canonical dump: every row of every read model as canonical JSON, one per line, tables
    /// in a fixed order and rows sorted by key. Equal digests, equal read models.</summary>
    public string Digest()
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var line in CanonicalDump()) sha.AppendData(Encoding.UTF8.GetBytes(line + "\n"));
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    public IEnumerable<string> CanonicalDump() =>
        Agents.Values.Select(a => "agent " + PotJson.Serialize(a))
            .Concat(Payers.Values.Select(x => "payer " + PotJson.Serialize(x)))
            .Concat(Validators.Values.Select(v => "validator " + PotJson.Serialize(v)))
            .Concat(Providers.Values.Select(p => "provider " + PotJson.Serialize(p)))
            .Append("network " + PotJson.Serialize(Network));
}
