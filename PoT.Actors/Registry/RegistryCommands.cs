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

[Manifest("get-agent.v1")]
public sealed record GetAgent(string AgentId) : IPotMessage;
