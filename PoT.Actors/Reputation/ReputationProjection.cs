using Akka.Actor;
using Akka.Configuration;
using Akka.Event;
using Akka.Pattern;
using PoT.Persistence;

namespace PoT.Reputation;

/// <summary>Settings of the reputation projection (hocon/pot.conf, pot.reputation).</summary>
public sealed record ReputationOptions(ReputationParameters Parameters, int PageSize, TimeSpan PollInterval, TimeSpan MinBackoff, TimeSpan MaxBackoff)
{
    public static ReputationOptions FromConfig(Config pot)
    {
        var r = pot.GetConfig("reputation");
        return new ReputationOptions(new ReputationParameters(Bps(r, "score-alpha-bps"), Bps(r, "agreement-alpha-bps")), r.GetInt("page-size"),
            r.GetTimeSpan("poll-interval"), r.GetTimeSpan("min-backoff"), r.GetTimeSpan("max-backoff"));
    }

    private static int Bps(Config c, string key)
    {
        var value = c.GetInt(key);
        return value is > 0 and <= PoT.Consensus.Basis.Points ? value : throw new ConfigurationException($"pot.reputation.{key} must be 1..10000 basis points");
    }
}

/// <summary>Asks the projection for its read models.</summary>
public sealed class GetReputation
{
    public static readonly GetReputation Instance = new();
}

/// <summary>The read models at one offset, with their digest and how far the journal has got.</summary>
public sealed record ReputationView(ReputationState State, string Digest, long JournalOrdering);

/// <summary>
/// The reputation projection: reads the journal in pages after its stored offset (<see cref="JournalPages"/>), folds
/// each page with <see cref="ReputationState.Apply"/>, and stores the changed rows and the new offset in one
/// transaction (<see cref="ReadModelStore"/>) before it reads on; caught up, it polls. It answers queries from the
/// state it last stored. Any failure (the database busy past its timeout, an undecodable row, a conflicting writer)
/// stops it; <see cref="PropsFor"/> restarts it with back-off, and it resumes from what is stored.
/// </summary>
public sealed class ReputationProjection : ReceiveActor, IWithTimers
{
    private sealed record Loaded(ReputationState State);

    private sealed record PageRead(IReadOnlyList<JournalRow> Rows, long JournalOrdering);

    private sealed record Saved(ReputationState State);

    private sealed class Pull
    {
        public static readonly Pull Instance = new();
    }

    private readonly JournalPages _journal;
    private readonly ReadModelStore _store;
    private readonly ReputationOptions _options;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private ReputationState _state = ReputationState.Empty;
    private long _journalOrdering;
    private (long Offset, string Digest)? _digest;

    public ITimerScheduler Timers { get; set; } = null!;

    public ReputationProjection(JournalPages journal, ReadModelStore store, ReputationOptions options)
    {
        _journal = journal;
        _store = store;
        _options = options;
        Receive<Loaded>(loaded =>
        {
            _state = loaded.State;
            _log.Info("reputation projection resuming after ordering {0}", _state.Offset);
            Self.Tell(Pull.Instance);
        });
        Receive<Pull>(_ => _journal.After(_state.Offset, _options.PageSize)
            .ContinueWith(async rows => new PageRead(await rows, await _journal.MaxOrdering()), TaskScheduler.Default).Unwrap()
            .PipeTo(Self));
        Receive<PageRead>(page =>
        {
            _journalOrdering = Math.Max(page.JournalOrdering, _state.Offset);
            if (page.Rows.Count == 0)
            {
                Timers.StartSingleTimer("pull", Pull.Instance, _options.PollInterval);
                return;
            }
            var before = _state;
            var after = Fold(before, page.Rows, _options.Parameters);
            Task.Run(() =>
            {
                _store.Save(before, after);
                return new Saved(after);
            }).PipeTo(Self);
        });
        Receive<Saved>(saved =>
        {
            _state = saved.State;
            Self.Tell(Pull.Instance);
        });
        Receive<GetReputation>(_ => Sender.Tell(new ReputationView(_state, Digest(), Math.Max(_journalOrdering, _state.Offset))));
        Receive<Status.Failure>(failure => throw new InvalidOperationException("the reputation projection failed; restarting from its stored offset",
            failure.Cause));
    }

    protected override void PreStart() => Task.Run(() => new Loaded(_store.Load())).PipeTo(Self);

    /// <summary>Folds a page of rows (soft-deleted rows are skipped, as Akka's own queries skip them).</summary>
    public static ReputationState Fold(ReputationState state, IEnumerable<JournalRow> rows, ReputationParameters parameters)
    {
        foreach (var row in rows)
            state = row.Deleted ? state with { Offset = row.Ordering } : state.Apply(row.PersistenceId, row.SequenceNr, row.Decode(), row.Ordering, parameters);
        return state;
    }

    private string Digest()
    {
        if (_digest is not { } cached || cached.Offset != _state.Offset) _digest = cached = (_state.Offset, _state.Digest());
        return cached.Digest;
    }

    /// <summary>The projection under a back-off supervisor: restarted after min-backoff, doubling to max-backoff.</summary>
    public static Props PropsFor(JournalPages journal, ReadModelStore store, ReputationOptions options) =>
        BackoffSupervisor.Props(Backoff.OnFailure(Props.Create(() => new ReputationProjection(journal, store, options)), "reputation",
            options.MinBackoff, options.MaxBackoff, 0.2, -1));
}
