using PoT.Persistence;
using PoT.Protocol;

namespace PoT.Registry;

/// <summary>An agent as clients see it (GET /v1/agents/{id}).</summary>
[Manifest("agent-view.v1")]
public sealed record AgentView(
    string AgentId,
    AgentStatus Status,
    Address? Provider,
    AgentProfile? Profile,
    UInt128 RegisteredStake,
    string? CommandInFlight,
    string? ActiveRound,
    int Rounds,
    uint? LastConsensusScore,
    long Version) : IPotMessage
{
    public bool Exists => Status is not (AgentStatus.Unregistered or AgentStatus.Registering);

    public static AgentView Of(AgentState s) => new(s.AgentId, s.Status, s.Provider, s.Profile, s.RegisteredStake,
        s.InFlight?.Envelope.Digest, s.ActiveRound, s.RoundsRequested, s.LastConsensusScore, s.Version);
}

[Manifest("agent-snapshot.v1")]
public sealed record AgentSnapshot(AgentState State, string Head) : IPotMessage;
