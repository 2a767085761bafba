using Akka.Actor;
using Akka.Streams;
using PoT.Persistence;
using PoT.Registry;
using PoT.Reputation;

namespace PoT.Orchestration;

/// <summary>
/// Keeps the router's <see cref="AgentIndex"/> current: folds the "registry" tag with the agent directory's own fold
/// (status, profile, provider of every agent) and upserts each agent that changed — first everything written so far,
/// after which it marks the index ready (executors and the task door wait for that), then live; every
/// <paramref name="reputationInterval"/> it reads the reputation projection's scores and passes on the ones that
/// moved; and every pot.orchestration.routing.decay-interval it lets the index's windows decay
/// (<see cref="AgentIndex.Decay"/>: how an agent shut out by the SLA filter gets a probe call again). Restarted on
/// failure, it folds again from the start (upserts are idempotent).
/// </summary>
public sealed class AgentIndexFeeder : ReceiveActor, IWithTimers
{
    private sealed class RefreshReputation
    {
        public static readonly RefreshReputation Instance = new();
    }

    private sealed class DecayWindows
    {
        public static readonly DecayWindows Instance = new();
    }

    private readonly AgentIndex _index;
    private readonly IActorRef? _reputation;
    private readonly Dictionary<string, uint> _scores = new(StringComparer.Ordinal);
    private AgentDirectoryState _directory = AgentDirectoryState.Empty;
    private UniqueKillSwitch? _killSwitch;

    public ITimerScheduler Timers { get; set; } = null!;

    public AgentIndexFeeder(AgentIndex index, string queryPluginId, IActorRef? reputation, TimeSpan reputationInterval)
    {
        _index = index;
        _reputation = reputation;
        Receive<Loaded>(loaded =>
        {
            foreach (var e in loaded.Events) Fold(e);
            _index.MarkReady();
            _killSwitch = TagFollower.Follow(Context, queryPluginId, PotEventTagger.Registry, loaded.Events.Count == 0 ? 0 : loaded.Events[^1].Offset);
        });
        Receive<TaggedEvent>(Fold);
        Receive<RefreshReputation>(_ => _reputation?.Tell(GetReputationState.Instance));
        Receive<DecayWindows>(_ => _index.Decay());
        Receive<ReputationState>(reputation =>
        {
            foreach (var (agentId, row) in reputation.Agents)
                if (!_scores.TryGetValue(agentId, out var score) || score != row.Score)
                {
                    _scores[agentId] = row.Score;
                    _index.SetReputation(agentId, row.Score);
                }
        });
        Receive<Status.Failure>(f => throw new InvalidOperationException("the agent index's journal stream failed", f.Cause));
        _interval = reputationInterval;
        _queryPluginId = queryPluginId;
    }

    private sealed record Loaded(IReadOnlyList<TaggedEvent> Events);

    private readonly TimeSpan _interval;
    private readonly string _queryPluginId;

    private void Fold(TaggedEvent e)
    {
        _directory = _directory.Apply(e.PersistenceId, e.Event, e.Offset);
        if (!EntityIds.TryParse(e.PersistenceId, out var kind, out var agentId) || kind != EntityKind.Agent) return;
        if (!_directory.Agents.TryGetValue(agentId, out var listing)) return;
        // Only agents this node can call are routable: the HTTP adapter is the one built so far.
        var candidate = AgentCandidate.From(listing, _scores.GetValueOrDefault(agentId));
        _index.Upsert(candidate.Adapter == "http" ? candidate : candidate with { Listed = false });
    }

    protected override void PreStart()
    {
        TagSnapshot.Current(Context.System, _queryPluginId, PotEventTagger.Registry).PipeTo(Self, success: events => new Loaded(events));
        if (_reputation is not null) Timers.StartPeriodicTimer("reputation", RefreshReputation.Instance, TimeSpan.Zero, _interval);
        Timers.StartPeriodicTimer("decay", DecayWindows.Instance, _index.Weights.DecayInterval);
    }

    protected override void PostStop() => _killSwitch?.Shutdown();

    public static Props PropsFor(AgentIndex index, string queryPluginId, IActorRef? reputation, TimeSpan reputationInterval) =>
        Props.Create(() => new AgentIndexFeeder(index, queryPluginId, reputation, reputationInterval));
}
