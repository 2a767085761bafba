using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Persistence.Query;
using Akka.Streams;
using Akka.Streams.Dsl;
using PoT.Persistence;

namespace PoT.Orchestration;

/// <summary>
/// At node start, wakes every task the journal shows running (opened, not stopped), so that its executor resumes —
/// or its deadline stops it and refunds — without anyone asking. Sharding's remember-entities does the same when it
/// has stored the entity, but a graceful shutdown can race its write; this reads the journal itself ("tasks" tag).
/// </summary>
public sealed class TaskReviver : ReceiveActor
{
    private sealed record Running(IReadOnlyCollection<string> TaskIds);

    public TaskReviver(string queryPluginId, IActorRef tasks)
    {
        var prefix = EntityIds.Prefix(EntityKind.Task) + "-";
        Receive<Running>(running =>
        {
            foreach (var taskId in running.TaskIds) tasks.Tell(new ShardingEnvelope(taskId, new GetTask(taskId)));
            Context.Stop(Self);
        });
        Receive<TaskView>(_ => { });
        Receive<Status.Failure>(f => throw new InvalidOperationException("could not read the running tasks from the journal", f.Cause));

        var journal = PersistenceQuery.Get(Context.System).ReadJournalFor<ICurrentEventsByTagQuery>(queryPluginId);
        journal.CurrentEventsByTag(PotEventTagger.Tasks, Offset.NoOffset())
            .Where(e => e.PersistenceId.StartsWith(prefix, StringComparison.Ordinal) && e.Event is TaskOpened or TaskStopped)
            .RunAggregate(new HashSet<string>(), (running, e) =>
            {
                var taskId = e.PersistenceId[prefix.Length..];
                if (e.Event is TaskOpened) running.Add(taskId);
                else running.Remove(taskId);
                return running;
            }, Context.Materializer())
            .PipeTo(Self, success: running => new Running(running));
    }

    public static Props PropsFor(string queryPluginId, IActorRef tasks) => Props.Create(() => new TaskReviver(queryPluginId, tasks));
}
