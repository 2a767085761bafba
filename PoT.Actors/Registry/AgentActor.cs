using Akka.Actor;
using Akka.Cluster.Sharding;
using PoT.Ledger;
using PoT.Persistence;
using PoT.Protocol;

namespace PoT.Registry;

/// <summary>
/// The agent-{agentId} entity. It coordinates each agent command with the provider's account in three steps that
/// survive a crash at any point (docs/cross-entity-commands.md):
/// 1. dry-run the command on the account (no event anywhere if the account would refuse it);
/// 2. persist the intent (…Requested, carrying the signed envelope; an outbox event);
/// 3. the outbox relay applies the account's part (idempotent by nonce) and brings its result back here, where the
///    completion (…Registered / …Updated / …Deregistered, or …Aborted) is persisted and the client answered.
/// </summary>
public sealed class AgentActor : PotEntity<AgentState>
{
    private sealed record AccountChecked(Signed Signed, Decision.Accept Decision, IActorRef ReplyTo, object Result);

    private readonly RegistryOptions _options;
    private readonly AgentDependencies _dependencies;
    private readonly PoT.Orchestration.TaskOptions _tasks;
    private readonly Dictionary<string, List<IActorRef>> _waiting = new();

    public AgentActor(string agentId, RegistryOptions options, AgentDependencies dependencies, PoT.Orchestration.TaskOptions tasks, TimeProvider clock)
        : base(EntityIds.PersistenceId(EntityKind.Agent, agentId), AgentState.Empty(agentId), options.SnapshotEvery, clock)
    {
        _options = options;
        _dependencies = dependencies;
        _tasks = tasks;

        Command<Signed>(OnSigned);
        Command<AccountStepResult>(OnAccountStep);
        Command<PoT.Consensus.RoundOpenResult>(result => Complete(AgentRules.CompleteOpening(State, result), result.Opened ? null
            : new CommandRejected(ErrorCodes.NoValidators, $"round {result.RoundId} could not open: {result.Reason}")));
        Command<ConcludeValidation>(conclusion => Complete(AgentRules.Conclude(State, conclusion), null));
        Command<GetAgent>(_ => Sender.Tell(AgentView.Of(State)));
        // A call a task reports for the SLA window; not part of any operation in flight.
        Command<PoT.Orchestration.RecordAgentCall>(call => AcknowledgeDelivery(PoT.Orchestration.SlaRules.Record(State, call, _tasks)));
    }

    private void OnSigned(Signed signed)
    {
        if (signed.Command is not IAgentCommand command)
        {
            Sender.Tell(new CommandRejected(ErrorCodes.UnknownCommandType, "only agent commands are executed by an agent"));
            return;
        }
        if (State.InFlight?.Envelope.Digest == signed.CommandId)
        {
            // A retry of the command in flight: answer it together with the first request.
            Wait(signed.CommandId, Sender);
            return;
        }
        var options = _dependencies.Network?.Tag is { } tag ? _options with { NetworkTag = tag } : _options;
        var decision = AgentRules.Decide(State, command, signed.Envelope, options);
        if (decision is not Decision.Accept accept)
        {
            Sender.Tell(decision is Decision.Reject r ? r.Error : ((Decision.AlreadyDone)decision).Receipt);
            return;
        }

        var replyTo = Sender;
        _dependencies.DryRun(signed)
            .PipeTo(Self,
                success: result => new AccountChecked(signed, accept, replyTo, result),
                failure: _ => new AccountChecked(signed, accept, replyTo,
                    new CommandRejected(ErrorCodes.Timeout, "the provider's account did not answer in time; retry the same envelope")));
        BecomeStacked(() =>
        {
            Command<AccountChecked>(OnAccountChecked);
            Command<GetAgent>(_ => Sender.Tell(AgentView.Of(State)));
            CommandAny(_ => Stash.Stash());
        });
    }

    private void OnAccountChecked(AccountChecked check)
    {
        UnbecomeStacked();
        Stash.UnstashAll();
        if (check.Result is CommandRejected rejected)
        {
            check.ReplyTo.Tell(rejected);
            return;
        }
        PersistDecided(check.Decision.Events, Clock.GetUtcNow(), check.Signed.Envelope, _ => Wait(check.Signed.CommandId, check.ReplyTo));
    }

    private void OnAccountStep(AccountStepResult result) =>
        Complete(AgentRules.Complete(State, result, _tasks), result.Succeeded ? null : new CommandRejected(result.ErrorCode!, result.ErrorMessage ?? ""));

    /// <summary>Persists a step brought by the relay and acknowledges it. When the step ends the operation in flight,
    /// the waiting clients get its receipt (or <paramref name="failure"/>).</summary>
    private void Complete(Decision decision, CommandRejected? failure)
    {
        var relay = Sender;
        if (decision is not Decision.Accept accept)
        {
            relay.Tell(DeliveryAck.Instance);
            return;
        }
        var envelope = State.InFlight?.Envelope;
        PersistDecided(accept.Events, Clock.GetUtcNow(), envelope, _ =>
        {
            relay.Tell(DeliveryAck.Instance);
            if (envelope is null || State.InFlight is not null) return;
            CommandResult reply = failure ?? (CommandResult)new CommandAccepted(envelope.Digest, State.Receipts[^1].EventIds);
            if (_waiting.Remove(envelope.Digest, out var waiting))
                foreach (var client in waiting) client.Tell(reply);
        });
    }

    private void Wait(string commandId, IActorRef client)
    {
        if (!_waiting.TryGetValue(commandId, out var clients)) _waiting[commandId] = clients = [];
        clients.Add(client);
    }

    protected override AgentState Evolve(AgentState state, PotEvent e) => state.Apply(e, _options);

    protected override IPotMessage ToSnapshot(AgentState state, string head) => new AgentSnapshot(state, head);

    protected override (AgentState State, string Head) FromSnapshot(object snapshot) =>
        snapshot is AgentSnapshot s ? (s.State, s.Head) : throw new ArgumentException($"not an agent snapshot: {snapshot.GetType().Name}");

    public static Props PropsFor(string agentId, RegistryOptions options, AgentDependencies dependencies, PoT.Orchestration.TaskOptions tasks,
        TimeProvider clock) =>
        Props.Create(() => new AgentActor(agentId, options, dependencies, tasks, clock));
}
