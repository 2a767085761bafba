using Akka.Actor;
using Akka.Cluster.Sharding;
using PoT.Persistence;
using PoT.Protocol;

namespace PoT.Orchestration;

/// <summary>
/// The task-{taskId} entity: holds the escrow, records the plan, every dispatch and every result its executor
/// reports (as decided by the pure <see cref="TaskRules"/>), and settles. While the task runs it keeps one
/// <see cref="TaskExecutor"/> child, restarted if it fails; the deadline lives in the journal and a timer is armed
/// from it at every start. Tasks are remembered by sharding, so after a crash a running task restarts by itself:
/// calls that were in flight are recorded as interrupted (never paid) and the executor carries on, or the deadline
/// stops the task and refunds what is left — escrow never stays locked.
/// </summary>
public sealed class TaskActor : PotEntity<TaskState>
{
    private sealed class DeadlineReached
    {
        public static readonly DeadlineReached Instance = new();
    }

    private readonly TaskOptions _options;
    private readonly Func<string, Props> _executorProps;
    private IActorRef? _executor;
    private ITimer? _deadline;

    public TaskActor(string taskId, TaskOptions options, Func<string, Props> executorProps, TimeProvider clock)
        : base(EntityIds.PersistenceId(EntityKind.Task, taskId), TaskState.Empty(taskId), options.SnapshotEvery, clock)
    {
        _options = options;
        _executorProps = executorProps;

        Command<OpenTask>(open =>
        {
            var relay = Sender;
            Persist(TaskRules.Open(State, open, _options), Clock.GetUtcNow(), () => relay.Tell(DeliveryAck.Instance));
        });
        Command<DispatchCall>(d => Persist(TaskRules.Dispatch(State, d, _options), Clock.GetUtcNow(), null));
        Command<RecordCallResult>(r => Persist(TaskRules.Result(State, r, _options), Clock.GetUtcNow(), null));
        Command<StopTask>(x =>
        {
            var now = Clock.GetUtcNow();
            Persist(TaskRules.Stop(State, x, now), now, null);
        });
        Command<DeadlineReached>(_ =>
        {
            var now = Clock.GetUtcNow();
            Persist(TaskRules.Stop(State, new StopTask(TaskStopReason.DeadlineExceeded, $"the deadline {State.Deadline:O} passed"), now), now, null);
        });
        Command<ExecutorReady>(_ => Sender.Tell(new TaskChanged(State)));
        Command<GetTask>(_ => Sender.Tell(TaskView.Of(State)));
        Command<Terminated>(t =>
        {
            if (!t.ActorRef.Equals(_executor)) return;
            _executor = null;
            // The executor failed more often than its supervisor allows: the task ends, and refunds.
            if (State.Phase == TaskPhase.Running)
                Self.Tell(new StopTask(TaskStopReason.Failed, "the executor failed repeatedly"));
        });
        Command<ReceiveTimeout>(_ =>
        {
            if (State.Phase != TaskPhase.Running) Context.Parent.Tell(new Passivate(PoisonPill.Instance));
        });
    }

    /// <summary>Persists a decision (sealed with the time it was decided at, so an auditor re-decides the same), tells
    /// the executor what changed — also after a rejection, so it plans again from the truth — and then runs
    /// <paramref name="then"/>.</summary>
    private void Persist(Decision decision, DateTimeOffset at, Action? then)
    {
        if (decision is Decision.Accept accept)
            PersistDecided(accept.Events, at, null, _ =>
            {
                AfterChange();
                then?.Invoke();
            });
        else
        {
            _executor?.Tell(new TaskChanged(State));
            then?.Invoke();
        }
    }

    protected override void OnRecovered() => AfterChange();

    private void AfterChange()
    {
        _deadline?.Dispose();
        _deadline = null;
        if (State.Phase == TaskPhase.Running)
        {
            if (_executor is null)
            {
                _executor = Context.ActorOf(_executorProps(State.TaskId), "executor");
                Context.Watch(_executor);
            }
            else _executor.Tell(new TaskChanged(State));
            var due = State.Deadline - Clock.GetUtcNow();
            var self = Self;
            if (due <= TimeSpan.Zero) self.Tell(DeadlineReached.Instance);
            else _deadline = Clock.CreateTimer(_ => self.Tell(DeadlineReached.Instance), null, due, Timeout.InfiniteTimeSpan);
        }
        else if (State.Phase == TaskPhase.Stopped)
        {
            if (_executor is not null)
            {
                // Late answers of calls still out are not wanted: the executor stops and cancels them.
                Context.Unwatch(_executor);
                Context.Stop(_executor);
                _executor = null;
            }
            Context.SetReceiveTimeout(_options.StoppedIdleTimeout);
        }
    }

    protected override SupervisorStrategy SupervisorStrategy() =>
        new OneForOneStrategy(10, TimeSpan.FromMinutes(1), Decider.From(Directive.Restart));

    protected override void PostStop()
    {
        _deadline?.Dispose();
        base.PostStop();
    }

    protected override TaskState Evolve(TaskState state, PotEvent e) => state.Apply(e);

    protected override IPotMessage ToSnapshot(TaskState state, string head) => new TaskSnapshot(state, head);

    protected override (TaskState State, string Head) FromSnapshot(object snapshot) =>
        snapshot is TaskSnapshot s ? (s.State, s.Head) : throw new ArgumentException("not a task snapshot");

    public static Props PropsFor(string taskId, TaskOptions options, Func<string, Props> executorProps, TimeProvider clock) =>
        Props.Create(() => new TaskActor(taskId, options, executorProps, clock));
}
