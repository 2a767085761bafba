using PoT.Ledger;
using PoT.Persistence;
using PoT.Protocol;
using PoT.Registry;

namespace PoT.Specs.Support;

/// <summary>
/// The ledger and registry rules wired together without actors: commands go through the same pure Decide/Apply
/// functions the entities run, events are sealed and logged in journal order, and outbox deliveries wait in a queue
/// until <see cref="DeliverAll"/> (or one by one), like the relay. Lets property tests explore thousands of
/// command sequences, in-flight states included, in seconds.
/// </summary>
public sealed class InMemoryNetwork(LedgerOptions ledger, RegistryOptions registry, DateTimeOffset start)
{
    private readonly CommandVerifier _verifier = new(CommandCatalog.Pot, new Eip712Domain("PoT", "1", 31337, Address.Zero));
    private readonly Dictionary<Address, AccountState> _accounts = new();
    private readonly Dictionary<string, AgentState> _agents = new();
    private readonly Queue<(OutboxDelivery Delivery, string Source)> _pending = new();

    public DateTimeOffset Now { get; set; } = start;
    public UInt128 Supply { get; private set; }
    public List<(string PersistenceId, PotEvent Event)> Journal { get; } = [];

    public IReadOnlyDictionary<Address, AccountState> Accounts => _accounts;
    public IReadOnlyDictionary<string, AgentState> Agents => _agents;
    public int PendingDeliveries => _pending.Count;

    public AccountState Account(Address a) => _accounts.GetValueOrDefault(a) ?? AccountState.Empty(a);

    public AgentState Agent(string id) => _agents.GetValueOrDefault(id) ?? AgentState.Empty(id);

    public void Genesis(GenesisSpec spec)
    {
        Supply = spec.Total;
        foreach (var a in spec.Allocations) Record(EntityKind.Account, a.Address.Value, [new GenesisMinted(a.Amount, spec.Hash)], null);
    }

    /// <summary>Executes a command signed by <paramref name="key"/>: the entity's decision, or for agent commands
    /// the agent's check and intent (the account step and completion then wait in the outbox).</summary>
    public CommandResult Execute(ISignedCommand command, EthKey key)
    {
        var signed = _verifier.Sign(command, key);
        if (signed.Command is IAgentCommand agentCommand)
        {
            var decision = AgentRules.Decide(Agent(agentCommand.AgentId), agentCommand, signed.Envelope, registry);
            if (decision is not Decision.Accept accept) return Reply(decision);
            if (AccountRules.Decide(Account(command.Account), command, signed.Envelope, Now, ledger) is Decision.Reject dryRun)
                return dryRun.Error;
            Record(EntityKind.Agent, agentCommand.AgentId, accept.Events, signed.Envelope);
            return new CommandAccepted(signed.CommandId, []);
        }
        var accountDecision = AccountRules.Decide(Account(command.Account), command, signed.Envelope, Now, ledger);
        if (accountDecision is Decision.Accept accepted)
        {
            Record(EntityKind.Account, command.Account.Value, accepted.Events, signed.Envelope);
            return new CommandAccepted(signed.CommandId, []);
        }
        return Reply(accountDecision);
    }

    /// <summary>Delivers the oldest pending outbox message, as the relay would (at least once: <paramref name="twice"/>
    /// delivers it again to show that receivers de-duplicate).</summary>
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

    /// <summary>Tokens in transit: debited by a TransferSent whose credit has not been delivered yet.</summary>
    public UInt128 InFlight => _pending.Select(p => p.Delivery.Message).OfType<CreditTransfer>().Aggregate(UInt128.Zero, (s, c) => checked(s + c.Amount));

    public UInt128 Held => _accounts.Values.Aggregate(UInt128.Zero, (s, a) => checked(s + a.Holdings));

    /// <summary>Rebuilds every entity from the journal alone, as recovery does.</summary>
    public (Dictionary<Address, AccountState> Accounts, Dictionary<string, AgentState> Agents) Replay()
    {
        var accounts = new Dictionary<Address, AccountState>();
        var agents = new Dictionary<string, AgentState>();
        foreach (var (pid, e) in Journal)
        {
            if (pid.StartsWith("account-", StringComparison.Ordinal))
            {
                var address = Address.Parse(pid["account-".Length..]);
                accounts[address] = (accounts.GetValueOrDefault(address) ?? AccountState.Empty(address)).Apply(e, ledger);
            }
            else
            {
                var id = pid["agent-".Length..];
                agents[id] = (agents.GetValueOrDefault(id) ?? AgentState.Empty(id)).Apply(e, registry);
            }
        }
        return (accounts, agents);
    }

    private IPotMessage Deliver(EntityKind kind, string entityId, IPotMessage message)
    {
        if (kind == EntityKind.Agent)
        {
            var decision = AgentRules.Complete(Agent(entityId), (AccountStepResult)message);
            if (decision is Decision.Accept accept) Record(EntityKind.Agent, entityId, accept.Events, Agent(entityId).InFlight!.Envelope);
            return DeliveryAck.Instance;
        }
        var account = Account(Address.Parse(entityId));
        if (message is ApplyAgentStep step)
        {
            var command = step.Envelope.Command();
            var agentId = ((IAgentCommand)command).AgentId;
            var decision = AccountRules.Decide(account, command, step.Envelope, Now, ledger);
            switch (decision)
            {
                case Decision.Accept accept:
                    var ids = Record(EntityKind.Account, entityId, accept.Events, step.Envelope);
                    return new AccountStepResult(agentId, step.Envelope.Digest, ids);
                case Decision.AlreadyDone done:
                    return new AccountStepResult(agentId, step.Envelope.Digest, done.Receipt.EventIds);
                default:
                    var reject = ((Decision.Reject)decision).Error;
                    return new AccountStepResult(agentId, step.Envelope.Digest, [], reject.Code, reject.Message);
            }
        }
        if (AccountRules.Decide(account, message) is Decision.Accept credit) Record(EntityKind.Account, entityId, credit.Events, null);
        return DeliveryAck.Instance;
    }

    private System.Collections.Immutable.ImmutableArray<string> Record(EntityKind kind, string entityId, IReadOnlyList<PotEvent> events, SignedEnvelope? envelope)
    {
        var pid = EntityIds.PersistenceId(kind, entityId);
        var ids = new List<string>();
        foreach (var (e, _) in HashChain.Seal(events, HashChain.Genesis, Now, envelope))
        {
            Journal.Add((pid, e));
            if (kind == EntityKind.Account)
            {
                var address = Address.Parse(entityId);
                _accounts[address] = Account(address).Apply(e, ledger);
                ids.Add(EntityIds.EventId(pid, _accounts[address].Version));
            }
            else
            {
                _agents[entityId] = Agent(entityId).Apply(e, registry);
                ids.Add(EntityIds.EventId(pid, _agents[entityId].Version));
            }
            if (e is IOutboxEvent outbox)
                foreach (var d in outbox.Deliveries(pid)) _pending.Enqueue((d, pid));
        }
        return [.. ids];
    }

    private static CommandResult Reply(Decision decision) => decision switch
    {
        Decision.Reject r => r.Error,
        Decision.AlreadyDone d => d.Receipt,
        _ => throw new InvalidOperationException()
    };
}
