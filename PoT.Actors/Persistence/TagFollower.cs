using Akka.Actor;
using Akka.Persistence.Query;
using Akka.Streams;
using Akka.Streams.Dsl;

namespace PoT.Persistence;

/// <summary>An event of a followed tag, as the following actor receives it.</summary>
public sealed record TaggedEvent(string PersistenceId, object Event, long Offset);

/// <summary>
/// Follows a journal tag live from the start and tells each event to an actor, in journal order, as a
/// <see cref="TaggedEvent"/>; a failed stream arrives as <see cref="Status.Failure"/> (the actor throws, its parent
/// restarts it, and it folds again from the start). For read models small enough to rebuild on every start.
/// </summary>
public static class TagFollower
{
    public static UniqueKillSwitch Follow(IActorContext context, string queryPluginId, string tag, long after = 0)
    {
        var self = context.Self;
        var journal = PersistenceQuery.Get(context.System).ReadJournalFor<IEventsByTagQuery>(queryPluginId);
        var (killSwitch, done) = journal.EventsByTag(tag, after == 0 ? Offset.NoOffset() : Offset.Sequence(after))
            .ViaMaterialized(KillSwitches.Single<EventEnvelope>(), Keep.Right)
            .ToMaterialized(Sink.ForEach<EventEnvelope>(e => self.Tell(new TaggedEvent(e.PersistenceId, e.Event, ((Sequence)e.Offset).Value))),
                Keep.Both)
            .Run(context.Materializer());
        done.ContinueWith(t => { if (t.IsFaulted) self.Tell(new Status.Failure(t.Exception!)); }, TaskScheduler.Default);
        return killSwitch;
    }
}

/// <summary>The events of a tag written so far, then the end: a start-up load that must finish before anyone relies on
/// it (<see cref="TagFollower.Follow"/> then goes on from its last offset).</summary>
public static class TagSnapshot
{
    public static Task<IReadOnlyList<TaggedEvent>> Current(ActorSystem system, string queryPluginId, string tag) =>
        PersistenceQuery.Get(system).ReadJournalFor<ICurrentEventsByTagQuery>(queryPluginId)
            .CurrentEventsByTag(tag, Offset.NoOffset())
            .Select(e => new TaggedEvent(e.PersistenceId, e.Event, ((Sequence)e.Offset).Value))
            .RunWith(Sink.Seq<TaggedEvent>(), system.Materializer())
            .ContinueWith(t => (IReadOnlyList<TaggedEvent>)t.Result, TaskScheduler.Default);
}
