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
    public static UniqueKillSwitch Follow(IActorContext context, string queryPluginId, string tag)
    {
        var self = context.Self;
        var journal = PersistenceQuery.Get(context.System).ReadJournalFor<IEventsByTagQuery>(queryPluginId);
        var (killSwitch, done) = journal.EventsByTag(tag, Offset.NoOffset())
            .ViaMaterialized(KillSwitches.Single<EventEnvelope>(), Keep.Right)
            .ToMaterialized(Sink.ForEach<EventEnvelope>(e => self.Tell(new TaggedEvent(e.PersistenceId, e.Event, ((Sequence)e.Offset).Value))),
                Keep.Both)
            .Run(context.Materializer());
        done.ContinueWith(t => { if (t.IsFaulted) self.Tell(new Status.Failure(t.Exception!)); }, TaskScheduler.Default);
        return killSwitch;
    }
}
