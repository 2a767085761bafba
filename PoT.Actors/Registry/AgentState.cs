using System.Collections.Immutable;
using PoT.Persistence;
using PoT.Protocol;

namespace PoT.Registry;

/// <summary>Lifecycle of an agent. Consensus (a later context) adds Listed and Rejected after Pending.</summary>
public enum AgentStatus
{
    Unregistered,
    Registering,
    Pending,
    Validating,
    Listed,
    Rejected,
    Deregistered
}

/// <summary>A command the agent has recorded and whose account step the relay has not yet brought back (or, for a proof
/// submission, whose round has not answered yet: <paramref name="RoundRequested"/>).</summary>
public sealed record InFlightOperation(SignedEnvelope Envelope, ImmutableArray<string> RequestEventIds, AgentProfile? Profile, bool RoundRequested = false);

public sealed record AgentReceipt(string Digest, ImmutableArray<string> EventIds);

/// <summary>One agent: who provides it, what it offers, where it is in its lifecycle, and the command in flight.</summary>
public sealed record AgentState(
    string AgentId,
    AgentStatus Status,
    Address? Provider,
    AgentProfile? Profile,
    UInt128 RegisteredStake,
    InFlightOperation? InFlight,
    ImmutableList<AgentReceipt> Receipts,
    int RoundsRequested,
    string? ActiveRound,
    uint? LastConsensusScore,
    long Version,
    PoT.Orchestration.AgentSla? Sla = null)
{
    public static AgentState Empty(string agentId) => new(agentId, AgentStatus.Unregistered, null, null, UInt128.Zero, null, [], 0, null, null, 0);

    /// <summary>The id the agent's next validation round gets on network <paramref name="networkTag"/>.</summary>
    public string NextRoundId(string networkTag) => PoT.Consensus.RoundIds.Of(AgentId, RoundsRequested + 1, networkTag);

    [Newtonsoft.Json.JsonIgnore]
    public string PersistenceId => EntityIds.PersistenceId(EntityKind.Agent, AgentId);
}

/// <summary>The pure evolution of an agent by its events.</summary>
public static class AgentEvolution
{
    public static AgentState Apply(this AgentState s, PotEvent e, RegistryOptions options)
    {
        var version = s.Version + 1;
        var eventId = EntityIds.EventId(s.PersistenceId, version);
        var next = e switch
        {
            AgentRegistrationRequested r => s with
            {
                Status = AgentStatus.Registering,
                Provider = r.Provider,
                Profile = r.Profile,
                RegisteredStake = r.Stake,
                InFlight = new InFlightOperation(e.Meta.Envelope!, [eventId], null)
            },
            AgentUpdateRequested u => s with { InFlight = new InFlightOperation(e.Meta.Envelope!, [eventId], u.Profile) },
            AgentDeregistrationRequested => s with { InFlight = new InFlightOperation(e.Meta.Envelope!, [eventId], null) },
            TrainingProofSubmitted t => s with
            {
                InFlight = new InFlightOperation(e.Meta.Envelope!, [eventId], null),
                RoundsRequested = s.RoundsRequested + 1,
                ActiveRound = t.RoundId
            },
            ValidationRoundRequested v => s with
            {
                InFlight = s.InFlight! with { RequestEventIds = [.. s.InFlight.RequestEventIds, .. v.AccountEventIds, eventId], RoundRequested = true }
            },
            ValidationStarted => s.Complete([], eventId, options) with { Status = AgentStatus.Validating },
            ValidationNotStarted => s with { InFlight = null, ActiveRound = null },
            PoT.Orchestration.AgentCallRecorded or PoT.Orchestration.SlaWindowClosed => s with { Sla = (s.Sla ?? PoT.Orchestration.AgentSla.Empty).Apply(e) },
            AgentValidated v => s with
            {
                Status = v.Verdict switch
                {
                    PoT.Consensus.RoundVerdict.Approved => AgentStatus.Listed,
                    PoT.Consensus.RoundVerdict.Rejected => AgentStatus.Rejected,
                    _ => AgentStatus.Pending
                },
                ActiveRound = null,
                LastConsensusScore = v.ConsensusScore
            },
            AgentRegistered r => s.Complete(r.AccountEventIds, eventId, options) with
            {
                Status = AgentStatus.Pending, Provider = r.Provider, Profile = r.Profile, RegisteredStake = r.Stake
            },
            AgentUpdated u => s.Complete(u.AccountEventIds, eventId, options) with { Profile = u.Profile },
            AgentDeregistered d => s.Complete(d.AccountEventIds, eventId, options) with { Status = AgentStatus.Deregistered },
            AgentOperationAborted when s.Status == AgentStatus.Registering => AgentState.Empty(s.AgentId) with { Receipts = s.Receipts },
            AgentOperationAborted when s.InFlight?.Envelope.Type == "SubmitTrainingProof" => s with { InFlight = null, ActiveRound = null },
            AgentOperationAborted => s with { InFlight = null },
            _ => throw new ArgumentException($"not an agent event: {e.GetType().Name}")
        };
        return next with { Version = version };
    }

    private static AgentState Complete(this AgentState s, ImmutableArray<string> accountEventIds, string eventId, RegistryOptions options)
    {
        var inFlight = s.InFlight ?? throw new InvalidOperationException($"{s.PersistenceId}: completion without an operation in flight");
        var receipt = new AgentReceipt(inFlight.Envelope.Digest, [.. inFlight.RequestEventIds, .. accountEventIds, eventId]);
        var receipts = s.Receipts.Add(receipt);
        if (receipts.Count > options.ReceiptWindow) receipts = receipts.RemoveAt(0);
        return s with { InFlight = null, Receipts = receipts };
    }
}
