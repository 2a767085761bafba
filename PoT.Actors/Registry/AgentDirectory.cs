using System.Collections.Immutable;
using Akka.Actor;
using Akka.Event;
using Akka.Streams;
using PoT.Ledger;
using PoT.Persistence;
using PoT.Protocol;

namespace PoT.Registry;

/// <summary>One agent as the directory lists it.</summary>
public sealed record AgentListing(string AgentId, AgentStatus Status, Address Provider, AgentProfile Profile, UInt128 Stake);

/// <summary>
/// The agent directory read model: a pure fold over the "registry" tag (agent completion events, and the ledger
/// events that move agent stake). Kept apart from its actor so that a rebuild, the projection engine or the
/// auditor can run the same fold.
/// </summary>
public sealed record AgentDirectoryState(
    ImmutableSortedDictionary<string, AgentListing> Agents,
    ImmutableSortedDictionary<string, UInt128> Stakes,
    long Offset)
{
    public static readonly AgentDirectoryState Empty =
        new(ImmutableSortedDictionary<string, AgentListing>.Empty, ImmutableSortedDictionary<string, UInt128>.Empty, 0);

    public AgentDirectoryState Apply(string persistenceId, object e, long offset)
    {
        var agentId = persistenceId.StartsWith("agent-", StringComparison.Ordinal) ? persistenceId["agent-".Length..] : "";
        var next = e switch
        {
            AgentRegistered r => this with
            {
                Agents = Agents.SetItem(agentId, new AgentListing(agentId, AgentStatus.Pending, r.Provider, r.Profile, Stakes.GetValueOrDefault(agentId)))
            },
            AgentUpdated u => Change(agentId, a => a with { Profile = u.Profile }),
            AgentDeregistered => Change(agentId, a => a with { Status = AgentStatus.Deregistered }),
            ValidationStarted => Change(agentId, a => a with { Status = AgentStatus.Validating }),
            AgentValidated v => Change(agentId, a => a with
            {
                Status = v.Verdict switch
                {
                    PoT.Consensus.RoundVerdict.Approved => AgentStatus.Listed,
                    PoT.Consensus.RoundVerdict.Rejected => AgentStatus.Rejected,
                    _ => AgentStatus.Pending
                }
            }),
            StakeSlashed { AgentId: { } slashed } x => WithStake(slashed, Stakes.GetValueOrDefault(slashed) - x.Amount),
            AgentStakeLocked l => WithStake(l.AgentId, checked(Stakes.GetValueOrDefault(l.AgentId) + l.Amount)),
            AgentStakeUnbonding u => WithStake(u.AgentId, UInt128.Zero),
            _ => this
        };
        return next with { Offset = offset };
    }

    private AgentDirectoryState Change(string agentId, Func<AgentListing, AgentListing> change) =>
        Agents.TryGetValue(agentId, out var listing) ? this with { Agents = Agents.SetItem(agentId, change(listing)) } : this;

    private AgentDirectoryState WithStake(string agentId, UInt128 stake) =>
        (this with { Stakes = Stakes.SetItem(agentId, stake) }).Change(agentId, a => a with { Stake = stake });
}

[Manifest("list-agents.v1")]
public sealed record ListAgents(string? Capability = null, AgentStatus? Status = null, Address? Provider = null) : IPotMessage;

[Manifest("agent-list.v1")]
public sealed record AgentList(ImmutableArray<AgentListing> Agents, long Offset) : IPotMessage;

/// <summary>
/// Keeps the directory current by following the journal's "registry" tag live from the start (registry events are
/// few; the Projections context replaces this with a stored, resumable projection). Restarted on failure by its
/// parent, it simply folds again from the start.
/// </summary>
public sealed class AgentDirectory : ReceiveActor
{
    private AgentDirectoryState _state = AgentDirectoryState.Empty;
    private UniqueKillSwitch? _killSwitch;

    public AgentDirectory(string queryPluginId)
    {
        Receive<TaggedEvent>(f => _state = _state.Apply(f.PersistenceId, f.Event, f.Offset));
        Receive<ListAgents>(q => Sender.Tell(new AgentList(
            [.. _state.Agents.Values.Where(a =>
                (q.Capability is null || a.Profile.Capabilities.Contains(q.Capability))
                && (q.Status is null || a.Status == q.Status)
                && (q.Provider is null || a.Provider == q.Provider))],
            _state.Offset)));
        Receive<Status.Failure>(f => throw new InvalidOperationException("the agent directory's journal stream failed", f.Cause));

        _killSwitch = TagFollower.Follow(Context, queryPluginId, PotEventTagger.Registry);
    }

    protected override void PostStop() => _killSwitch?.Shutdown();

    public static Props PropsFor(string queryPluginId) => Props.Create(() => new AgentDirectory(queryPluginId));
}
