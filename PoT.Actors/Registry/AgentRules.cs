using System.Text.RegularExpressions;
using Newtonsoft.Json.Linq;
using PoT.Ledger;
using PoT.Persistence;
using PoT.Protocol;
using static PoT.Persistence.Decision;

namespace PoT.Registry;

/// <summary>The registry's rules, pure: what the agent entity may record for a command, and how an account step's
/// result completes it. The account's half (nonce, funds) is in <see cref="AccountRules"/>.</summary>
public static partial class AgentRules
{
    public static readonly string[] AdapterKinds = ["http", "rag", "zk"];

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]{1,63}$")]
    private static partial Regex AgentIdPattern();

    [GeneratedRegex("^[a-z0-9][a-z0-9._:/-]{0,63}$")]
    private static partial Regex CapabilityPattern();

    public static string? AgentIdProblem(string agentId) => AgentIdPattern().IsMatch(agentId)
        ? null
        : "agentId: 2-64 characters of a-z, 0-9, '.', '_' or '-', starting with a letter or digit";

    public static Decision Decide(AgentState s, IAgentCommand command, SignedEnvelope envelope, RegistryOptions options)
    {
        if (AgentIdProblem(command.AgentId) is { } idProblem) return Rejected(ErrorCodes.InvalidField, idProblem);
        if (s.Receipts.FirstOrDefault(r => r.Digest == envelope.Digest) is { } receipt)
            return Done(new CommandAccepted(receipt.Digest, receipt.EventIds, Replayed: true));
        if (s.InFlight is not null)
            return Rejected(ErrorCodes.AgentBusy, $"agent '{s.AgentId}' is completing another command ({s.InFlight.Envelope.Digest}); retry shortly");

        if (command is RegisterAgent r)
        {
            if (s.Status != AgentStatus.Unregistered)
                return Rejected(ErrorCodes.AgentExists, $"agent id '{s.AgentId}' is taken (agent ids are never reused)");
            var profile = new AgentProfile(r.Capabilities, r.Adapter, r.Endpoint, r.Config, r.PricePerCall, r.SlaP95LatencyMs, r.SlaSuccessRateBps);
            return ProfileProblem(profile, options)
                ?? (r.Stake < options.MinProviderStake
                    ? Rejected(ErrorCodes.StakeBelowMinimum, $"an agent needs at least {options.MinProviderStake} staked, got {r.Stake}")
                    : Emit(new AgentRegistrationRequested(r.Account, profile, r.Stake)));
        }

        if (s.Status is AgentStatus.Unregistered or AgentStatus.Registering)
            return Rejected(ErrorCodes.UnknownAgent, $"no agent '{s.AgentId}'");
        if (s.Status == AgentStatus.Deregistered)
            return Rejected(ErrorCodes.AgentDeregistered, $"agent '{s.AgentId}' was deregistered");
        if (s.Provider != command.Account)
            return Rejected(ErrorCodes.NotAgentOwner, $"agent '{s.AgentId}' belongs to {s.Provider}");

        return command switch
        {
            UpdateAgent u => DecideUpdate(s.Profile!, u, options),
            DeregisterAgent => Emit(new AgentDeregistrationRequested()),
            _ => Rejected(ErrorCodes.UnknownCommandType, $"{command.GetType().Name} is not an agent command")
        };
    }

    private static Decision DecideUpdate(AgentProfile current, UpdateAgent u, RegistryOptions options)
    {
        var profile = new AgentProfile(u.Capabilities, current.Adapter, u.Endpoint, u.Config, u.PricePerCall, u.SlaP95LatencyMs, u.SlaSuccessRateBps);
        return ProfileProblem(profile, options) ?? Emit(new AgentUpdateRequested(profile));
    }

    /// <summary>Completes the operation in flight with the provider account's answer. A result for anything else is a
    /// redelivery and changes nothing.</summary>
    public static Decision Complete(AgentState s, AccountStepResult result)
    {
        if (s.InFlight is null || s.InFlight.Envelope.Digest != result.CommandId) return Done(new CommandAccepted(result.CommandId, []));
        if (!result.Succeeded) return Emit(new AgentOperationAborted(result.ErrorCode!, result.ErrorMessage ?? ""));
        return s.InFlight.Envelope.Type switch
        {
            "RegisterAgent" => Emit(new AgentRegistered(s.Provider!.Value, s.Profile!, s.RegisteredStake, result.EventIds)),
            "UpdateAgent" => Emit(new AgentUpdated(s.InFlight.Profile!, result.EventIds)),
            "DeregisterAgent" => Emit(new AgentDeregistered(result.EventIds)),
            var other => throw new InvalidOperationException($"no completion for {other}")
        };
    }

    public static Decision? ProfileProblem(AgentProfile p, RegistryOptions options)
    {
        if (p.Capabilities.IsDefaultOrEmpty || p.Capabilities.Length > options.MaxCapabilities)
            return Rejected(ErrorCodes.InvalidField, $"capabilities: between 1 and {options.MaxCapabilities} required");
        if (p.Capabilities.FirstOrDefault(c => !CapabilityPattern().IsMatch(c)) is { } bad)
            return Rejected(ErrorCodes.InvalidField, $"capabilities: '{bad}' is not 1-64 characters of a-z, 0-9, '.', '_', ':', '/' or '-'");
        if (p.Capabilities.Distinct().Count() != p.Capabilities.Length)
            return Rejected(ErrorCodes.InvalidField, "capabilities: each capability may appear once");
        if (!AdapterKinds.Contains(p.Adapter))
            return Rejected(ErrorCodes.InvalidField, $"adapter: one of {string.Join(", ", AdapterKinds)}");
        if (p.Endpoint.Length == 0 || p.Endpoint.Length > options.MaxEndpointLength)
            return Rejected(ErrorCodes.InvalidField, $"endpoint: 1 to {options.MaxEndpointLength} characters");
        if (p.Adapter == "http" && !(Uri.TryCreate(p.Endpoint, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
            return Rejected(ErrorCodes.InvalidField, "endpoint: an http agent needs an absolute http:// or https:// URL");
        if (System.Text.Encoding.UTF8.GetByteCount(p.Config) > options.MaxConfigBytes)
            return Rejected(ErrorCodes.InvalidField, $"config: at most {options.MaxConfigBytes} bytes");
        if (p.Config.Length > 0 && !IsJsonObject(p.Config))
            return Rejected(ErrorCodes.InvalidField, "config: empty, or a JSON object with the adapter's settings");
        if (p.SlaSuccessRateBps > 10_000)
            return Rejected(ErrorCodes.InvalidField, "slaSuccessRateBps: basis points, at most 10000 (= 100 %)");
        if (p.SlaP95LatencyMs == 0)
            return Rejected(ErrorCodes.InvalidField, "slaP95LatencyMs: at least 1 ms");
        return null;
    }

    private static bool IsJsonObject(string text)
    {
        try
        {
            return JToken.Parse(text) is JObject;
        }
        catch (Newtonsoft.Json.JsonException)
        {
            return false;
        }
    }
}
