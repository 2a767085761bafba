using Akka.Actor;
using PoT.Persistence;

namespace PoT.Consensus;

/// <summary>The "validators" entity: applies stake deltas, participation and ejections brought by the relay, and
/// answers committees' snapshot requests.</summary>
public sealed class ValidatorSetActor : PotEntity<ValidatorSetState>
{
    private readonly ConsensusOptions _options;

    public ValidatorSetActor(ConsensusOptions options, TimeProvider clock)
        : base(EntityIds.PersistenceId(EntityKind.ValidatorSet, ValidatorSetIds.EntityId), ValidatorSetState.Empty, options.SnapshotEvery, clock)
    {
        _options = options;
        Command<ValidatorStakeDelta>(Deliver);
        Command<RecordParticipation>(Deliver);
        Command<EjectValidator>(Deliver);
        Command<GetValidatorSnapshot>(_ => Sender.Tell(State.Snapshot(_options.MinValidatorStake)));
        Command<GetValidators>(_ => Sender.Tell(new ValidatorSetView(State.Version, _options.MinValidatorStake, _options.MaxMisses, State.Validators)));
    }

    private void Deliver(IPotMessage delivery) => AcknowledgeDelivery(ValidatorSetRules.Decide(State, delivery, _options));

    protected override ValidatorSetState Evolve(ValidatorSetState state, PotEvent e) => state.Apply(e);

    protected override IPotMessage ToSnapshot(ValidatorSetState state, string head) => new ValidatorSetSnapshot(state, head);

    protected override (ValidatorSetState State, string Head) FromSnapshot(object snapshot) =>
        snapshot is ValidatorSetSnapshot s ? (s.State, s.Head) : throw new ArgumentException("not a validator-set snapshot");

    public static Props PropsFor(ConsensusOptions options, TimeProvider clock) => Props.Create(() => new ValidatorSetActor(options, clock));
}
