using System.Collections.Immutable;
using PoT.Persistence;
using PoT.Protocol;

namespace PoT.Registry;

/// <summary>A signed command addressed to one agent entity; the agent coordinates it with the provider's account.</summary>
public interface IAgentCommand : ISignedCommand
{
    string AgentId { get; }
}

/// <summary>Lists a new agent. <paramref name="Stake"/> (at least pot.registry.min-provider-stake) is locked in the
/// provider's account behind the agent. SLA: p95 latency in ms and success rate in basis points (9950 = 99.5 %).</summary>
[Eip712Type("RegisterAgent"), Manifest("register-agent.v1")]
public sealed record RegisterAgent(
    Address Account,
    string AgentId,
    ImmutableArray<string> Capabilities,
    string Adapter,
    string Endpoint,
    string Config,
    UInt128 PricePerCall,
    uint SlaP95LatencyMs,
    ushort SlaSuccessRateBps,
    UInt128 Stake,
    ulong Nonce) : IAgentCommand;

/// <summary>Replaces an agent's capabilities, endpoint, config, price and SLA (the adapter kind is fixed at registration).</summary>
[Eip712Type("UpdateAgent"), Manifest("update-agent.v1")]
public sealed record UpdateAgent(
    Address Account,
    string AgentId,
    ImmutableArray<string> Capabilities,
    string Endpoint,
    string Config,
    UInt128 PricePerCall,
    uint SlaP95LatencyMs,
    ushort SlaSuccessRateBps,
    ulong Nonce) : IAgentCommand;

/// <summary>Delists an agent for good; all its stake enters unbonding in the provider's account.</summary>
[Eip712Type("DeregisterAgent"), Manifest("deregister-agent.v1")]
public sealed record DeregisterAgent(Address Account, string AgentId, ulong Nonce) : IAgentCommand;

/// <summary>Submits a proof of training for one of the provider's agents: opens a validation round whose committee
/// judges it. <paramref name="ProofHash"/> commits to the proof package stored at <paramref name="ProofUri"/>.</summary>
[Eip712Type("SubmitTrainingProof"), Manifest("submit-training-proof.v1")]
public sealed record SubmitTrainingProof(Address Account, string AgentId, string ProofKind, HexBytes ProofHash, string ProofUri, ulong Nonce)
    : IAgentCommand;

/// <summary>A round's verdict, brought to the agent by the relay.</summary>
[Manifest("conclude-validation.v1")]
public sealed record ConcludeValidation(string RoundId, PoT.Consensus.RoundVerdict Verdict, uint ConsensusScore, RelayStamp Stamp) : IPotMessage;

[Manifest("get-agent.v1")]
public sealed record GetAgent(string AgentId) : IPotMessage;
