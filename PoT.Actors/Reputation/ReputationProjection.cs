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
        return new ReputationOptions(new ReputationParameters(Bps(r, "score-alpha-bps"), Bps(r, "agreement-alpha-bps"), Bps(r, "latency-alpha-bps")), r.GetInt("page-size"),
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

/// <summary>Asks for the newest fold alone, without its digest (which serializes every row): what a frequent reader
/// inside the node, such as the router's feeder, needs.</summary>
public sealed class GetReputationState
{
    public static readonly GetReputationState Instance = new();
}

/// <summary>The read models at one offset, with their digest, how far the journal has got, and the offset the
/// database holds (at most one save behind).</summary>
public sealed record ReputationView(ReputationState State, string Digest, long JournalOrdering, long StoredOffset);

/// <summary>
/// The reputation projection: reads the journal in pages after its offset (<see cref="JournalPages"/>), folds each
/// page with <see cref="ReputationState.Apply"/>, and stores the changed rows and the new offset in one transaction
/// (<see cref="ReadModelStore"/>). Reading and folding go on while a save waits for SQLite's write lock (under full
/// ingest the journal holds it most of the time): the next save then writes everything folded meanwhile, so a busy
/// database costs bigger transactions, not lag. Queries are answered from the newest fold — the same rows the
/// database will hold at that offset, since the fold is deterministic. Caught up, it polls. Any failure (the
/// database busy past its timeout, an undecodable row, a conflicting writer) stops it; <see cref="PropsFor"/>
/// restarts it with back-off, and it resumes from what is stored.
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

    private static readonly TimeSpan SlowSave = TimeSpan.FromMilliseconds(250);

    private readonly JournalPages _journal;
    private readonly ReadModelStore _store;
    private readonly ReputationOptions _options;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private ReputationState _folded = ReputationState.Empty;
    private ReputationState _stored = ReputationState.Empty;
    private bool _reading, _saving;
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
            _folded = _stored = loaded.State;
            _log.Info("reputation projection resuming after ordering {0}", _stored.Offset);
            Self.Tell(Pull.Instance);
        });
        Receive<Pull>(_ =>
        {
            if (_reading) return;
            _reading = true;
            _journal.After(_folded.Offset, _options.PageSize)
                .ContinueWith(async rows => new PageRead(await rows, await _journal.MaxOrdering()), TaskScheduler.Default).Unwrap()
                .PipeTo(Self);
        });
        Receive<PageRead>(page =>
        {
            _reading = false;
            _journalOrdering = Math.Max(page.JournalOrdering, _folded.Offset);
            if (page.Rows.Count == 0)
            {
                Timers.StartSingleTimer("pull", Pull.Instance, _options.PollInterval);
                return;
            }
            _folded = Fold(_folded, page.Rows, _options.Parameters);
            SaveIfIdle();
            Self.Tell(Pull.Instance);
        });
        Receive<Saved>(saved =>
        {
            _stored = saved.State;
            _saving = false;
            SaveIfIdle();
        });
        Receive<GetReputation>(_ => Sender.Tell(new ReputationView(_folded, Digest(), Math.Max(_journalOrdering, _folded.Offset), _stored.Offset)));
        Receive<GetReputationState>(_ => Sender.Tell(_folded));
        Receive<Status.Failure>(failure => throw new InvalidOperationException("the reputation projection failed; restarting from its stored offset",
            failure.Cause));
    }

    /// <summary>One save at a time, from the last stored state to the newest fold (the store writes only the rows
    /// that differ, and moves the offset only if it is still where the last save left it).</summary>
    private void SaveIfIdle()
    {
        if (_saving || _folded.Offset == _stored.Offset) return;
        _saving = true;
        var (before, after, log) = (_stored, _folded, _log);
        Task.Run(() =>
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            _store.Save(before, after);
            var took = System.Diagnostics.Stopwatch.GetElapsedTime(started);
            if (took > SlowSave)
                log.Warning("reputation projection: storing orderings {0}–{1} took {2:F0} ms (the database was busy)", before.Offset + 1, after.Offset,
                    took.TotalMilliseconds);
            return new Saved(after);
        }).PipeTo(Self);
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
        if (_digest is not { } cached || cached.Offset != _folded.Offset) _digest = cached = (_folded.Offset, _folded.Digest());
        return cached.Digest;
    }

    /// <summary>The projection under a back-off supervisor: restarted after min-backoff, doubling to max-backoff.</summary>
    public static Props PropsFor(JournalPages journal, ReadModelStore store, ReputationOptions options) =>
        BackoffSupervisor.Props(Backoff.OnFailure(Props.Create(() => new ReputationProjection(journal, store, options)), "reputation",
            options.MinBackoff, options.MaxBackoff, 0.2, -1));
}
