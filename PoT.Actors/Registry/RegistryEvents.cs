using System.Collections.Immutable;
using PoT.Ledger;
using PoT.Persistence;
using PoT.Protocol;

namespace PoT.Registry;

/// <summary>Base of the agent entity's events (tag: registry).</summary>
public abstract record RegistryEvent : PotEvent, IRegistryEvent;

/// <summary>What an agent offers and promises. SLA: p95 latency in ms, success rate in basis points.</summary>
public sealed record AgentProfile(
    ImmutableArray<string> Capabilities,
    string Adapter,
    string Endpoint,
    string Config,
    UInt128 PricePerCall,
    uint SlaP95LatencyMs,
    ushort SlaSuccessRateBps);

/// <summary>
/// First step of every agent command: the agent records the intent (with the signed envelope) before the provider's
/// account is touched, so the account can never hold stake for an agent that does not exist. The outbox relay then
/// brings the command to the account and the account's answer back here.
/// </summary>
public abstract record AgentOperationRequested : RegistryEvent, IOutboxEvent
{
    public IEnumerable<OutboxDelivery> Deliveries(OutboxSource source)
    {
        var envelope = Meta.Envelope ?? throw new InvalidOperationException($"{GetType().Name} without its envelope");
        var agentId = source.PersistenceId[(EntityIds.Prefix(EntityKind.Agent).Length + 1)..];
        yield return new OutboxDelivery(EntityKind.Account, envelope.Signer.Value, new ApplyAgentStep(envelope),
            ReplyTo: (EntityKind.Agent, agentId));
    }
}

[Manifest("agent-registration-requested.v1")]
public sealed record AgentRegistrationRequested(Protocol.Address Provider, AgentProfile Profile, UInt128 Stake) : AgentOperationRequested;

[Manifest("agent-update-requested.v1")]
public sealed record AgentUpdateRequested(AgentProfile Profile) : AgentOperationRequested;

[Manifest("agent-deregistration-requested.v1")]
public sealed record AgentDeregistrationRequested : AgentOperationRequested;

/// <summary>The provider submitted a proof of training; round <paramref name="RoundId"/> will judge it once the
/// provider's account has spent the nonce.</summary>
[Manifest("training-proof-submitted.v1")]
public sealed record TrainingProofSubmitted(string RoundId, string ProofKind, HexBytes ProofHash, string ProofUri) : AgentOperationRequested;

/// <summary>The nonce is spent: the relay now asks the round to open, and brings its answer back here.</summary>
[Manifest("validation-round-requested.v1")]
public sealed record ValidationRoundRequested(
    string RoundId,
    Address Provider,
    string ProofKind,
    HexBytes ProofHash,
    string ProofUri,
    ImmutableArray<string> AccountEventIds) : RegistryEvent, IOutboxEvent
{
    public IEnumerable<OutboxDelivery> Deliveries(OutboxSource source)
    {
        var agentId = source.PersistenceId[(EntityIds.Prefix(EntityKind.Agent).Length + 1)..];
        yield return new OutboxDelivery(EntityKind.Round, RoundId,
            new PoT.Consensus.OpenRound(RoundId, agentId, Provider, ProofKind, ProofHash, ProofUri), ReplyTo: (EntityKind.Agent, agentId));
    }
}

[Manifest("validation-started.v1")]
public sealed record ValidationStarted(string RoundId, int CommitteeSize, DateTimeOffset CommitDeadline, DateTimeOffset RevealDeadline) : RegistryEvent;

/// <summary>The round could not open (too few eligible validators): the agent is Pending again, and the submission's
/// bond goes back to <paramref name="Provider"/> (no committee did any work).</summary>
[Manifest("validation-not-started.v1")]
public sealed record ValidationNotStarted(string RoundId, string Reason, Address? Provider = null) : RegistryEvent, IOutboxEvent
{
    public IEnumerable<OutboxDelivery> Deliveries(OutboxSource source)
    {
        if (Provider is not { } provider) yield break;
        var agentId = source.PersistenceId[(EntityIds.Prefix(EntityKind.Agent).Length + 1)..];
        yield return new OutboxDelivery(EntityKind.Account, provider.Value,
            new SettleProofBond(provider, agentId, Forfeit: false, $"proof-bond:{RoundId}:not-started", source.Stamp(0)));
    }
}

/// <summary>The round's verdict: Approved lists the agent, Rejected rejects it, NoQuorum returns it to Pending.</summary>
[Manifest("agent-validated.v1")]
public sealed record AgentValidated(string RoundId, PoT.Consensus.RoundVerdict Verdict, uint ConsensusScore, RelayStamp Stamp) : RegistryEvent;

/// <summary>The provider's account locked the stake: the agent exists, with status Pending. Completion events repeat
/// what they complete, so a read model can be built from them alone.</summary>
[Manifest("agent-registered.v1")]
public sealed record AgentRegistered(Protocol.Address Provider, AgentProfile Profile, UInt128 Stake, ImmutableArray<string> AccountEventIds)
    : RegistryEvent;

[Manifest("agent-updated.v1")]
public sealed record AgentUpdated(AgentProfile Profile, ImmutableArray<string> AccountEventIds) : RegistryEvent;

/// <summary>The provider's account moved the agent's stake to unbonding: the agent is gone for good.</summary>
[Manifest("agent-deregistered.v1")]
public sealed record AgentDeregistered(ImmutableArray<string> AccountEventIds) : RegistryEvent;

/// <summary>The account refused its part (e.g. the balance changed between the check and the step): the intent is
/// withdrawn and nothing changed in the account.</summary>
[Manifest("agent-operation-aborted.v1")]
public sealed record AgentOperationAborted(string Code, string Message) : RegistryEvent;
