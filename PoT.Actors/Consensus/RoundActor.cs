using Akka.Actor;
using Akka.Cluster.Sharding;
using PoT.Persistence;
using PoT.Protocol;

namespace PoT.Consensus;

/// <summary>
/// The round-{roundId} entity. Opens when its agent asks (drawing the committee from a snapshot of the validator
/// set), takes commits and reveals, proves equivocation, and finalizes when every member is accounted for or the
/// reveal deadline passes. The deadline lives in the journal (RoundOpened) and a timer is armed from it at every
/// start: rounds are remembered by sharding, so after a crash they restart by themselves and finalize on time.
/// </summary>
public sealed class RoundActor : PotEntity<RoundState>
{
    private sealed record SnapshotFor(OpenRound Open, IActorRef ReplyTo, object Snapshot);

    private readonly ConsensusOptions _options;
    private readonly CommandVerifier _verifier;
    private readonly IActorRef _validatorSet;
    private ITimer? _deadline;

    public RoundActor(string roundId, ConsensusOptions options, CommandVerifier verifier, IActorRef validatorSet, TimeProvider clock)
        : base(EntityIds.PersistenceId(EntityKind.Round, roundId), RoundState.Empty(roundId), options.SnapshotEvery, clock)
    {
        _options = options;
        _verifier = verifier;
        _validatorSet = validatorSet;

        Command<OpenRound>(OnOpen);
        Command<Signed>(OnSigned);
        Command<CloseRound>(_ =>
        {
            var now = Clock.GetUtcNow();
            Persist(RoundRules.Close(State, now), now, null, null);
        });
        Command<GetRound>(_ => Sender.Tell(RoundView.Of(State, Clock.GetUtcNow())));
        Command<ReceiveTimeout>(_ =>
        {
            // A decided round needs no memory: passivating also drops it from sharding's remembered entities.
            if (State.Outcome is not null) Context.Parent.Tell(new Passivate(PoisonPill.Instance));
        });
    }

    private void OnOpen(OpenRound open)
    {
        if (State.Opening is not null)
        {
            Sender.Tell(RoundRules.OpenResult(State, open.AgentId, null));
            return;
        }
        var replyTo = Sender;
        _validatorSet.Ask<ValidatorSnapshot>(new ShardingEnvelope(ValidatorSetIds.EntityId, GetValidatorSnapshot.Instance), _options.CommitWindow)
            .PipeTo(Self, success: snapshot => new SnapshotFor(open, replyTo, snapshot), failure: e => new SnapshotFor(open, replyTo, new Status.Failure(e)));
        BecomeStacked(() =>
        {
            Command<SnapshotFor>(result =>
            {
                UnbecomeStacked();
                Stash.UnstashAll();
                if (result.Snapshot is not ValidatorSnapshot snapshot)
                    return; // no answer: the relay asks again, and we try again
                var now = Clock.GetUtcNow();
                var decision = RoundRules.Open(State, result.Open, snapshot, now, _options);
                if (decision is Decision.Reject reject)
                    result.ReplyTo.Tell(RoundRules.OpenResult(State, result.Open.AgentId, reject.Error.Message));
                else
                    Persist(decision, now, null, () => result.ReplyTo.Tell(RoundRules.OpenResult(State, result.Open.AgentId, null)), result.ReplyTo);
            });
            CommandAny(_ => Stash.Stash());
        });
    }

    private void OnSigned(Signed signed)
    {
        var now = Clock.GetUtcNow();
        var decision = signed.Command switch
        {
            CommitVote c => RoundRules.Commit(State, c, signed.Envelope, now),
            RevealVote r => RoundRules.Reveal(State, r, signed.Envelope, now),
            ReportEquivocation q => RoundRules.Report(State, q, _verifier, now),
            _ => Decision.Rejected(ErrorCodes.UnknownCommandType, $"{signed.Envelope.Type} is not a round message")
        };
        var replyTo = Sender;
        // A conflicting vote from a validator is recorded as its own equivocation; the sender learns it by code.
        var selfIncriminating = decision is Decision.Accept a && a.Events[0] is EquivocationProven { Reporter: null };
        Persist(decision, now, signed.Envelope, null, replyTo, selfIncriminating
            ? new CommandRejected(ErrorCodes.ValidatorEquivocated, "this vote conflicts with your earlier one: equivocation is recorded and slashed")
            : null);
    }

    /// <summary>Persists a decision and replies: the receipt, a rejection, or <paramref name="replaceReply"/>. Events are
    /// sealed with the time the rule decided at (<paramref name="at"/>), so an auditor re-deciding them gets the same.</summary>
    private void Persist(Decision decision, DateTimeOffset at, SignedEnvelope? envelope, Action? then, IActorRef? replyTo = null,
        CommandRejected? replaceReply = null)
    {
        replyTo ??= Sender;
        switch (decision)
        {
            case Decision.Accept accept:
                // Only the first event comes from the signed message; the verdict it may complete is the round's own.
                var events = accept.Events;
                PersistDecided([events[0]], at, envelope, ids =>
                {
                    if (events.Length > 1) PersistDecided(events[1..], at, null, _ => AfterChange());
                    else AfterChange();
                    if (envelope is not null) replyTo.Tell(replaceReply ?? (object)new CommandAccepted(envelope.Digest, ids));
                    then?.Invoke();
                });
                break;
            case Decision.Reject reject:
                if (envelope is not null) replyTo.Tell(reject.Error);
                break;
            case Decision.AlreadyDone done:
                if (envelope is not null) replyTo.Tell(done.Receipt);
                break;
        }
    }

    protected override void OnRecovered() => AfterChange();

    /// <summary>Arms the deadline timer while the round is open; a decided round may passivate when idle.</summary>
    private void AfterChange()
    {
        _deadline?.Dispose();
        _deadline = null;
        if (State.IsOpen)
        {
            var due = State.Opening!.RevealDeadline - Clock.GetUtcNow();
            var self = Self;
            if (due <= TimeSpan.Zero) self.Tell(CloseRound.Instance);
            else _deadline = Clock.CreateTimer(_ => self.Tell(CloseRound.Instance), null, due, Timeout.InfiniteTimeSpan);
        }
        else if (State.Outcome is not null)
            Context.SetReceiveTimeout(_options.FinalizedIdleTimeout);
    }

    protected override void PostStop()
    {
        _deadline?.Dispose();
        base.PostStop();
    }

    protected override RoundState Evolve(RoundState state, PotEvent e) => state.Apply(e);

    protected override IPotMessage ToSnapshot(RoundState state, string head) => new RoundSnapshot(state, head);

    protected override (RoundState State, string Head) FromSnapshot(object snapshot) =>
        snapshot is RoundSnapshot s ? (s.State, s.Head) : throw new ArgumentException("not a round snapshot");

    public static Props PropsFor(string roundId, ConsensusOptions options, CommandVerifier verifier, IActorRef validatorSet, TimeProvider clock) =>
        Props.Create(() => new RoundActor(roundId, options, verifier, validatorSet, clock));
}
