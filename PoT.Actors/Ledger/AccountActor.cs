using Akka.Actor;
using Akka.Event;
using PoT.Persistence;
using PoT.Protocol;
using PoT.Registry;


namespace PoT.Ledger;

/// <summary>
/// The account-{address} entity: executes the ledger's signed commands, the account's part of agent commands,
/// and credits delivered by the outbox relay. Decisions come from <see cref="AccountRules"/>; this actor only
/// persists them and replies.
/// </summary>
public sealed class AccountActor : PotEntity<AccountState>
{
    private readonly LedgerOptions _options;

    public AccountActor(Address address, LedgerOptions options, TimeProvider clock)
        : base(EntityIds.PersistenceId(EntityKind.Account, address.Value), AccountState.Empty(address), options.SnapshotEvery, clock)
    {
        _options = options;

        Command<Signed>(signed =>
        {
            if (signed.Command is IAgentCommand or not ISignedCommand)
            {
                Sender.Tell(new CommandRejected(ErrorCodes.UnknownCommandType, $"{signed.Envelope.Type} is not executed by an account"));
                return;
            }
            Execute((ISignedCommand)signed.Command, signed.Envelope, Sender, receipt => receipt);
        });

        Command<ApplyAgentStep>(step =>
        {
            var command = (IAgentCommand)step.Envelope.Command();
            var agentId = command.AgentId;
            Execute(command, step.Envelope, Sender, receipt => receipt switch
            {
                CommandAccepted a => new AccountStepResult(agentId, step.Envelope.Digest, a.EventIds),
                CommandRejected r => new AccountStepResult(agentId, step.Envelope.Digest, [], r.Code, r.Message),
                _ => receipt
            });
        });

        Command<CheckSigned>(check =>
        {
            var decision = AccountRules.Decide(State, (ISignedCommand)check.Envelope.Command(), check.Envelope, Clock.GetUtcNow(), _options);
            Sender.Tell(decision is Decision.Reject reject ? reject.Error : new CommandAccepted(check.Envelope.Digest, []));
        });

        Command<CreditTransfer>(Deliver);
        Command<MintGenesis>(Deliver);
        Command<Credit>(Deliver);
        Command<SlashStake>(Deliver);
        Command<SettleProofBond>(Deliver);
        Command<GetAccount>(_ => Sender.Tell(AccountView.Of(State)));
    }

    private void Execute(ISignedCommand command, SignedEnvelope envelope, IActorRef replyTo, Func<CommandResult, IPotMessage> reply)
    {
        var now = Clock.GetUtcNow();
        var decision = AccountRules.Decide(State, command, envelope, now, _options);
        if (decision is Decision.Accept accept)
            PersistDecided(accept.Events, now, envelope, ids => replyTo.Tell(reply(new CommandAccepted(envelope.Digest, ids))));
        else
            replyTo.Tell(reply(decision switch
            {
                Decision.Reject r => r.Error,
                Decision.AlreadyDone d => d.Receipt,
                _ => throw new InvalidOperationException()
            }));
    }

    private void Deliver(IPotMessage delivery)
    {
        var replyTo = Sender;
        var decision = AccountRules.Decide(State, delivery);
        switch (decision)
        {
            case Decision.Accept accept:
                PersistDecided(accept.Events, Clock.GetUtcNow(), null, _ => replyTo.Tell(DeliveryAck.Instance));
                break;
            case Decision.AlreadyDone:
                replyTo.Tell(DeliveryAck.Instance);
                break;
            case Decision.Reject reject:
                Log.Error("{0}: delivery {1} refused: {2}", PersistenceId, delivery.GetType().Name, reject.Error.Message);
                replyTo.Tell(reject.Error);
                break;
        }
    }

    protected override AccountState Evolve(AccountState state, PotEvent e) => state.Apply(e, _options);

    protected override IPotMessage ToSnapshot(AccountState state, string head) => new AccountSnapshot(state, head);

    protected override (AccountState State, string Head) FromSnapshot(object snapshot) =>
        snapshot is AccountSnapshot s ? (s.State.Upgraded(), s.Head) : throw new ArgumentException($"not an account snapshot: {snapshot.GetType().Name}");

    public static Props PropsFor(Address address, LedgerOptions options, TimeProvider clock) =>
        Props.Create(() => new AccountActor(address, options, clock));
}
