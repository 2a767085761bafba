using System.Collections.Immutable;
using PoT.Consensus;
using PoT.Ledger;
using PoT.Persistence;
using PoT.Protocol;
using PoT.Registry;

namespace PoT.Specs.Support;

/// <summary>
/// Every context's rules wired together without actors: commands go through the same pure Decide/Apply functions
/// the entities run, events are sealed and logged in journal order (their index is their ordering), and outbox
/// deliveries wait in a queue until delivered one by one (or twice: receivers must de-duplicate), like the relay.
/// Time moves only when a spec moves it; rounds whose reveal deadline passes are closed, as their timers would, and
/// the emission schedule (started at <paramref name="start"/> when one is given) closes the epochs that ended.
/// Lets property tests explore thousands of interleavings, in-flight states included, in seconds.
/// </summary>
public sealed class InMemoryNetwork(LedgerOptions ledger, RegistryOptions registry, ConsensusOptions consensus, DateTimeOffset start,
    EmissionSchedule? emission = null, PoT.Orchestration.TaskOptions? tasks = null)
{
    private readonly PoT.Orchestration.TaskOptions _tasks = tasks ?? Rules.Tasks;

    private static readonly Eip712Domain Domain = new("PoT", "1", 31337, Address.Zero);
    private readonly CommandVerifier _verifier = new(CommandCatalog.Pot, Domain);
    private readonly Dictionary<Address, AccountState> _accounts = new();
    private readonly Dictionary<string, AgentState> _agents = new();
    private readonly Dictionary<string, RoundState> _rounds = new();
    private readonly Queue<(OutboxDelivery Delivery, long Ordering)> _pending = new();

    public DateTimeOffset Now { get; private set; } = start;
    public UInt128 Genesis { get; private set; }
    public UInt128 Emitted { get; private set; }
    public UInt128 Burned { get; private set; }
    public UInt128 Supply => checked(Genesis + Emitted - Burned);
    public List<(string PersistenceId, long SequenceNr, PotEvent Event)> Journal { get; } = [];
    public ValidatorSetState Validators { get; private set; } = ValidatorSetState.Empty;
    public EmissionState Emission { get; private set; } = EmissionState.Empty;

    public IReadOnlyDictionary<Address, AccountState> Accounts => _accounts;
    public IReadOnlyDictionary<string, AgentState> Agents => _agents;
    public IReadOnlyDictionary<string, RoundState> Rounds => _rounds;
    public int PendingDeliveries => _pending.Count;

    public AccountState Account(Address a) => _accounts.GetValueOrDefault(a) ?? AccountState.Empty(a);

    public AgentState Agent(string id) => _agents.GetValueOrDefault(id) ?? AgentState.Empty(id);

    public RoundState Round(string id) => _rounds.GetValueOrDefault(id) ?? RoundState.Empty(id);

    public Signed Sign(ISignedMessage message, EthKey key) => _verifier.Sign(message, key);

    /// <summary>The tag this network's round ids end with (known from its genesis).</summary>
    public string? NetworkTag => registry.NetworkTag;

    public void MintGenesis(GenesisSpec spec)
    {
        Genesis = spec.Total;
        // The genesis names the network: its rounds carry the tag, as a node's do once it has minted.
        registry = registry with { NetworkTag = NetworkIdentity.TagOf(Domain, spec.Hash) };
        foreach (var a in spec.Allocations) Record(EntityKind.Account, a.Address.Value, [new GenesisMinted(a.Amount, spec.Hash)], null);
        TickEmission();
    }

    /// <summary>Executes a message signed by <paramref name="key"/> as its entity would (agent commands stop after the
    /// agent's intent: the rest waits in the outbox).</summary>
    public CommandResult Execute(ISignedMessage message, EthKey key) => Execute(Sign(message, key));

    public CommandResult Execute(Signed signed)
    {
        var envelope = signed.Envelope;
        switch (signed.Command)
        {
            case IAgentCommand agentCommand:
            {
                var decision = AgentRules.Decide(Agent(agentCommand.AgentId), agentCommand, envelope, registry);
                if (decision is not Decision.Accept accept) return Reply(decision);
                if (AccountRules.Decide(Account(agentCommand.Account), agentCommand, envelope, Now, ledger) is Decision.Reject dryRun) return dryRun.Error;
                if (agentCommand is SubmitTrainingProof
                    && Validators.Snapshot(consensus.MinValidatorStake).Eligible.Count(v => v.Validator != agentCommand.Account) < consensus.MinCommitteeSize)
                    return new CommandRejected(ErrorCodes.NoValidators, "too few validators");
                return Accepted(envelope, Record(EntityKind.Agent, agentCommand.AgentId, accept.Events, envelope));
            }
            case IRoundMessage roundMessage:
            {
                var round = Round(roundMessage.RoundId);
                var decision = roundMessage switch
                {
                    CommitVote c => RoundRules.Commit(round, c, envelope, Now),
                    RevealVote r => RoundRules.Reveal(round, r, envelope, Now),
                    ReportEquivocation q => RoundRules.Report(round, q, _verifier, Now),
                    _ => throw new ArgumentException(roundMessage.GetType().Name)
                };
                if (decision is not Decision.Accept accept) return Reply(decision);
                var ids = Record(EntityKind.Round, roundMessage.RoundId, [accept.Events[0]], envelope);
                if (accept.Events.Length > 1) Record(EntityKind.Round, roundMessage.RoundId, accept.Events[1..], null);
                return Accepted(envelope, ids);
            }
            case ISignedCommand command:
            {
                var decision = AccountRules.Decide(Account(command.Account), command, envelope, Now, ledger);
                return decision is Decision.Accept accept ? Accepted(envelope, Record(EntityKind.Account, command.Account.Value, accept.Events, envelope)) : Reply(decision);
            }
            default:
                throw new ArgumentException(signed.Command.GetType().Name);
        }
    }

    /// <summary>Moves time; rounds whose reveal deadline has passed are closed, as their timers would.</summary>
    public void Advance(TimeSpan by)
    {
        Now += by;
        foreach (var round in _rounds.Values.Where(r => r.IsOpen && Now >= r.Opening!.RevealDeadline).ToList())
            if (RoundRules.Close(round, Now) is Decision.Accept accept) Record(EntityKind.Round, round.RoundId, accept.Events, null);
        TickEmission();
    }

    /// <summary>The node's emission tick: starts the schedule, or closes the epoch once it has ended.</summary>
    public void TickEmission()
    {
        if (emission is not null && EmissionRules.Close(Emission, Now, emission) is Decision.Accept accept)
            Record(EntityKind.Emission, EmissionIds.EntityId, accept.Events, null);
    }

    /// <summary>Delivers the oldest pending outbox message, as the relay would (<paramref name="twice"/>: again, to show
    /// that receivers de-duplicate).</summary>
    public void DeliverOne(bool twice = false)
    {
        var (delivery, _) = _pending.Dequeue();
        for (var i = 0; i < (twice ? 2 : 1); i++)
        {
            var reply = Deliver(delivery.Target, delivery.EntityId, delivery.Message);
            if (delivery.ReplyTo is { } replyTo) Deliver(replyTo.Kind, replyTo.EntityId, reply);
        }
    }

    public void DeliverAll()
    {
        while (_pending.Count > 0) DeliverOne();
    }

    /// <summary>Delivers a call a task reported to the agent's SLA window at once (this network runs no tasks; the call's
    /// stamp must be above the agent's watermark, as the relay's are).</summary>
    public void ReportCall(PoT.Orchestration.RecordAgentCall call) => Deliver(EntityKind.Agent, call.AgentId, call);

    /// <summary>Tokens on their way to an account: transfers' credits, slash payouts, bounties and compensation, and
    /// emission payouts (counted in <see cref="Emitted"/> when their epoch closed).</summary>
    public UInt128 InFlight => _pending.Select(p => p.Delivery.Message).Aggregate(UInt128.Zero, (s, m) => checked(s + m switch
    {
        CreditTransfer c => c.Amount,
        Credit c => c.Amount,
        _ => UInt128.Zero
    }));

    public UInt128 Held => _accounts.Values.Aggregate(UInt128.Zero, (s, a) => checked(s + a.Holdings));

    /// <summary>Rebuilds every entity from the journal alone, as recovery does.</summary>
    public (Dictionary<Address, AccountState> Accounts, Dictionary<string, AgentState> Agents, Dictionary<string, RoundState> Rounds, ValidatorSetState Validators) Replay()
    {
        var accounts = new Dictionary<Address, AccountState>();
        var agents = new Dictionary<string, AgentState>();
        var rounds = new Dictionary<string, RoundState>();
        var validators = ValidatorSetState.Empty;
        foreach (var (pid, _, e) in Journal)
        {
            var (kind, id) = Split(pid);
            switch (kind)
            {
                case EntityKind.Account:
                    var address = Address.Parse(id);
                    accounts[address] = (accounts.GetValueOrDefault(address) ?? AccountState.Empty(address)).Apply(e, ledger);
                    break;
                case EntityKind.Agent:
                    agents[id] = (agents.GetValueOrDefault(id) ?? AgentState.Empty(id)).Apply(e, registry);
                    break;
                case EntityKind.Round:
                    rounds[id] = (rounds.GetValueOrDefault(id) ?? RoundState.Empty(id)).Apply(e);
                    break;
                case EntityKind.Emission:
                    break;
                default:
                    validators = validators.Apply(e);
                    break;
            }
        }
        return (accounts, agents, rounds, validators);
    }

    private IPotMessage Deliver(EntityKind kind, string entityId, IPotMessage message)
    {
        switch (kind)
        {
            case EntityKind.Agent:
            {
                var agent = Agent(entityId);
                var decision = message switch
                {
                    AccountStepResult r => AgentRules.Complete(agent, r, _tasks),
                    PoT.Orchestration.RecordAgentCall c => PoT.Orchestration.SlaRules.Record(agent, c, _tasks),
                    RoundOpenResult r => AgentRules.CompleteOpening(agent, r),
                    ConcludeValidation c => AgentRules.Conclude(agent, c),
                    _ => throw new ArgumentException(message.GetType().Name)
                };
                if (decision is Decision.Accept accept) Record(EntityKind.Agent, entityId, accept.Events, agent.InFlight?.Envelope);
                return DeliveryAck.Instance;
            }
            case EntityKind.Round:
            {
                var open = (OpenRound)message;
                var decision = RoundRules.Open(Round(entityId), open, Validators.Snapshot(consensus.MinValidatorStake), Now, consensus);
                if (decision is Decision.Accept accept) Record(EntityKind.Round, entityId, accept.Events, null);
                return RoundRules.OpenResult(Round(entityId), open.AgentId, (decision as Decision.Reject)?.Error.Message);
            }
            case EntityKind.ValidatorSet:
            {
                if (ValidatorSetRules.Decide(Validators, message, consensus) is Decision.Accept accept)
                    Record(EntityKind.ValidatorSet, entityId, accept.Events, null);
                return DeliveryAck.Instance;
            }
            case EntityKind.Emission:
            {
                if (EmissionRules.Decide(Emission, message) is Decision.Accept accept) Record(EntityKind.Emission, entityId, accept.Events, null);
                return DeliveryAck.Instance;
            }
        }
        var account = Account(Address.Parse(entityId));
        if (message is ApplyAgentStep step)
        {
            var command = (IAgentCommand)step.Envelope.Command();
            var decision = AccountRules.Decide(account, command, step.Envelope, Now, ledger);
            return decision switch
            {
                Decision.Accept accept => new AccountStepResult(command.AgentId, step.Envelope.Digest, Record(EntityKind.Account, entityId, accept.Events, step.Envelope)),
                Decision.AlreadyDone done => new AccountStepResult(command.AgentId, step.Envelope.Digest, done.Receipt.EventIds),
                _ => new AccountStepResult(command.AgentId, step.Envelope.Digest, [], ((Decision.Reject)decision).Error.Code, ((Decision.Reject)decision).Error.Message)
            };
        }
        if (AccountRules.Decide(account, message) is Decision.Accept credit) Record(EntityKind.Account, entityId, credit.Events, null);
        return DeliveryAck.Instance;
    }

    private ImmutableArray<string> Record(EntityKind kind, string entityId, IReadOnlyList<PotEvent> events, SignedEnvelope? envelope)
    {
        var pid = EntityIds.PersistenceId(kind, entityId);
        var ids = ImmutableArray.CreateBuilder<string>();
        foreach (var (e, _) in HashChain.Seal(events, HashChain.Genesis, Now, envelope))
        {
            var ordering = Journal.Count + 1;
            long version;
            switch (kind)
            {
                case EntityKind.Account:
                    var address = Address.Parse(entityId);
                    _accounts[address] = Account(address).Apply(e, ledger);
                    version = _accounts[address].Version;
                    break;
                case EntityKind.Agent:
                    _agents[entityId] = Agent(entityId).Apply(e, registry);
                    version = _agents[entityId].Version;
                    break;
                case EntityKind.Round:
                    _rounds[entityId] = Round(entityId).Apply(e);
                    version = _rounds[entityId].Version;
                    break;
                case EntityKind.Emission:
                    Emission = Emission.Apply(e);
                    version = Emission.Version;
                    break;
                default:
                    Validators = Validators.Apply(e);
                    version = Validators.Version;
                    break;
            }
            Journal.Add((pid, version, e));
            ids.Add(EntityIds.EventId(pid, version));
            if (e is ISupplyChange change)
            {
                Emitted = checked(Emitted + change.Minted);
                Burned = checked(Burned + change.Burned);
            }
            if (e is IOutboxEvent outbox)
                foreach (var d in outbox.Deliveries(new OutboxSource(pid, ordering))) _pending.Enqueue((d, ordering));
        }
        return ids.ToImmutable();
    }

    private static (EntityKind Kind, string Id) Split(string pid)
    {
        foreach (var kind in Enum.GetValues<EntityKind>())
        {
            var prefix = EntityIds.Prefix(kind) + "-";
            if (pid.StartsWith(prefix, StringComparison.Ordinal)) return (kind, pid[prefix.Length..]);
        }
        throw new ArgumentException(pid);
    }

    private static CommandResult Accepted(SignedEnvelope envelope, ImmutableArray<string> ids) => new CommandAccepted(envelope.Digest, ids);

    private static CommandResult Reply(Decision decision) => decision switch
    {
        Decision.Reject r => r.Error,
        Decision.AlreadyDone d => d.Receipt,
        _ => throw new InvalidOperationException()
    };
}
