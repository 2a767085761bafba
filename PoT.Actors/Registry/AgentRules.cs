using System.Text.RegularExpressions;
using Newtonsoft.Json.Linq;
using PoT.Ledger;
using PoT.Orchestration;
using PoT.Persistence;
using PoT.Protocol;
using static PoT.Persistence.Decision;

namespace PoT.Registry;

/// <summary>The registry's rules, pure: what the agent entity may record for a command, and how an account step's
/// result completes it. The account's half (nonce, funds) is in <see cref="AccountRules"/>.</summary>
public static partial class AgentRules
{
    public static readonly string[] AdapterKinds = ["http", "rag", "zk"];

    [GeneratedRegex("^[a-z0-9][a-z0-9._:/-]{0,63}$")]
    private static partial Regex CapabilityPattern();

    /// <summary>1-64 characters of a-z, 0-9, '.', '_', ':', '/' or '-', starting with a letter or digit: the rule for
    /// capabilities (and for the step ids of task plans, which the Planner checks with it).</summary>
    public static bool IsWellFormedCapability(string capability) => CapabilityPattern().IsMatch(capability);

    public static string? AgentIdProblem(string agentId) => Identifiers.Problem("agentId", agentId);

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
        if (command is SubmitTrainingProof && s.Status != AgentStatus.Pending && s.Status != AgentStatus.Deregistered)
            return s.Status switch
            {
                AgentStatus.Validating => Rejected(ErrorCodes.ValidationInProgress, $"round {s.ActiveRound} is judging agent '{s.AgentId}'"),
                AgentStatus.Listed => Rejected(ErrorCodes.AgentListed, $"agent '{s.AgentId}' is already listed"),
                _ => Rejected(ErrorCodes.AgentRejected, $"agent '{s.AgentId}' was rejected by a validation round")
            };
        if (s.Status == AgentStatus.Deregistered)
            return Rejected(ErrorCodes.AgentDeregistered, $"agent '{s.AgentId}' was deregistered");
        if (s.Provider != command.Account)
            return Rejected(ErrorCodes.NotAgentOwner, $"agent '{s.AgentId}' belongs to {s.Provider}");

        return command switch
        {
            UpdateAgent u => DecideUpdate(s.Profile!, u, options),
            DeregisterAgent when s.Status == AgentStatus.Validating =>
                Rejected(ErrorCodes.ValidationInProgress, $"round {s.ActiveRound} is judging agent '{s.AgentId}': its stake stays until the verdict"),
            DeregisterAgent => Emit(new AgentDeregistrationRequested()),
            SubmitTrainingProof when options.NetworkTag is null =>
                Rejected(ErrorCodes.Unavailable, "this node has no genesis yet, so no network to open a round on; retry once it has one"),
            SubmitTrainingProof p => ProofProblem(p, options)
                ?? Emit(new TrainingProofSubmitted(s.NextRoundId(options.NetworkTag!), p.ProofKind, p.ProofHash, p.ProofUri)),
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
    public static Decision Complete(AgentState s, AccountStepResult result, TaskOptions tasks)
    {
        // The relay delivers at least once: after a restart it may bring the same account step again, also after a
        // proof submission already asked its round to open.
        if (s.InFlight is null || s.InFlight.Envelope.Digest != result.CommandId || s.InFlight.RoundRequested)
            return Done(new CommandAccepted(result.CommandId, []));
        if (!result.Succeeded) return Emit(new AgentOperationAborted(result.ErrorCode!, result.ErrorMessage ?? ""));
        return s.InFlight.Envelope.Type switch
        {
            "SubmitTrainingProof" when s.InFlight.Envelope.Command() is SubmitTrainingProof p =>
                Emit(new ValidationRoundRequested(s.ActiveRound!, p.Account, p.ProofKind, p.ProofHash, p.ProofUri, result.EventIds)),
            "RegisterAgent" => Emit(new AgentRegistered(s.Provider!.Value, s.Profile!, s.RegisteredStake, result.EventIds)),
            "UpdateAgent" => Emit(new AgentUpdated(s.InFlight.Profile!, result.EventIds)),
            // The open SLA window is measured first, as if full: leaving cannot escape a breach (docs/orchestration.md).
            "DeregisterAgent" => SlaRules.CloseOnDeregistration(s, tasks) is { } closed
                ? Emit(closed, new AgentDeregistered(result.EventIds))
                : Emit(new AgentDeregistered(result.EventIds)),
            var other => throw new InvalidOperationException($"no completion for {other}")
        };
    }

    /// <summary>The round's answer to the request to open: the submission completes either way.</summary>
    public static Decision CompleteOpening(AgentState s, PoT.Consensus.RoundOpenResult result)
    {
        if (s.InFlight?.Envelope.Type != "SubmitTrainingProof" || s.ActiveRound != result.RoundId)
            return Done(new CommandAccepted(result.RoundId, []));
        return result.Opened
            ? Emit(new ValidationStarted(result.RoundId, result.CommitteeSize, result.CommitDeadline!.Value, result.RevealDeadline!.Value))
            : Emit(new ValidationNotStarted(result.RoundId, result.Reason ?? "the round could not open", s.Provider));
    }

    /// <summary>The verdict of the agent's active round; anything else is a redelivery.</summary>
    public static Decision Conclude(AgentState s, ConcludeValidation c) =>
        s.ActiveRound == c.RoundId && s.Status == AgentStatus.Validating
            ? Emit(new AgentValidated(c.RoundId, c.Verdict, c.ConsensusScore, c.Stamp))
            : Done(new CommandAccepted(c.RoundId, []));

    private static Decision? ProofProblem(SubmitTrainingProof p, RegistryOptions options)
    {
        if (!options.ProofKinds.Contains(p.ProofKind))
            return Rejected(ErrorCodes.InvalidField, $"proofKind: one of {string.Join(", ", options.ProofKinds)}");
        if (p.ProofHash.ToBytes().All(b => b == 0))
            return Rejected(ErrorCodes.InvalidField, "proofHash: the hash of the proof package, not zero");
        if (p.ProofUri.Length == 0 || p.ProofUri.Length > options.MaxEndpointLength)
            return Rejected(ErrorCodes.InvalidField, $"proofUri: 1 to {options.MaxEndpointLength} characters");
        return null;
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
        // The floor that makes every call pay the protocol (docs/orchestration.md, "Fees"): a free self-call would
        // otherwise pump an agent's record at no cost.
        if (p.PricePerCall < options.MinPricePerCall)
            return Rejected(ErrorCodes.PriceBelowMinimum, $"pricePerCall: at least {options.MinPricePerCall} base units (pot.registry.min-price-per-call), got {p.PricePerCall}");
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
