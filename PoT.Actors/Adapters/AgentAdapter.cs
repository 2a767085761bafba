using System.Collections.Immutable;
using Newtonsoft.Json.Linq;

namespace PoT.Adapters;

/// <summary>What the executor asks an agent to do for one step of a task.</summary>
/// <param name="AgentId">The registered agent; limiters and the circuit breaker are kept per agent id.</param>
/// <param name="Endpoint">The agent's registered absolute http(s) URL.</param>
/// <param name="Config">The agent's registered config: "" or a JSON object (docs/adapters.md).</param>
/// <param name="Capability">The capability asked for.</param>
/// <param name="TaskId">The task; sent as body field, query parameter or header. Printable ASCII.</param>
/// <param name="StepId">The step of the task; as <paramref name="TaskId"/>.</param>
/// <param name="Input">The step's input, any JSON.</param>
public sealed record AgentRequest(string AgentId, string Endpoint, string Config, string Capability, string TaskId, string StepId, JToken Input);

/// <summary>One HTTP attempt, as it happened (reported as it completes, so the executor can persist it).</summary>
/// <param name="Attempt">1 for the first request, 2 for the first retry, …</param>
/// <param name="HttpStatus">The response status; null when no response came (network error, time-out, cancellation).</param>
/// <param name="ErrorCode">One of <see cref="AgentErrorCodes"/>; null on success.</param>
/// <param name="Retryable">Whether this failure is of a kind that is retried (whether a retry followed also depends on max-retries).</param>
/// <param name="Latency">From the request's start (after the rate limiters let it go) to its end.</param>
/// <param name="RetryAfter">The agent's Retry-After on a 429 or 503, as it asked (before the max-retry-after cap).</param>
public sealed record AttemptOutcome(int Attempt, bool Success, int? HttpStatus, string? ErrorCode, string? Message, bool Retryable, TimeSpan Latency,
    TimeSpan? RetryAfter);

/// <summary>The end result after retries.</summary>
/// <param name="Output">On success, the agent's output (docs/adapters.md); null on failure or for an empty body.</param>
/// <param name="ErrorCode">On failure, the code of the last attempt, or circuit-open, invalid-agent-config, cancelled.</param>
/// <param name="Attempts">Every HTTP attempt made, in order (empty when none was made).</param>
/// <param name="Latency">The whole call: queueing, attempts and back-off.</param>
public sealed record AgentResponse(bool Success, JToken? Output, string? ErrorCode, string? Message, ImmutableArray<AttemptOutcome> Attempts,
    TimeSpan Latency);

/// <summary>Calls agents. Implementations are thread-safe.</summary>
public interface IAgentAdapter
{
    /// <summary>Calls the agent, with retries. Failures of the agent are returned, never thrown; cancellation through
    /// <paramref name="cancellationToken"/> returns a failure with <see cref="AgentErrorCodes.Cancelled"/>.</summary>
    Task<AgentResponse> Call(AgentRequest request, Action<AttemptOutcome>? onAttempt, CancellationToken cancellationToken);

    /// <summary>True while the agent's circuit breaker is open (the router skips such agents).</summary>
    bool IsOpen(string agentId);
}

/// <summary>The stable error codes of agent calls.</summary>
public static class AgentErrorCodes
{
    /// <summary>No response: connection refused or reset, DNS failure, the connection closed mid-response. Retried.</summary>
    public const string Unreachable = "agent-unreachable";
    /// <summary>No complete response within the attempt time-out, or HTTP 408. Retried.</summary>
    public const string Timeout = "agent-timeout";
    /// <summary>HTTP 5xx (retried); or a 2xx whose body is unusable: invalid JSON, too large (not retried).</summary>
    public const string Error = "agent-error";
    /// <summary>HTTP 429. Retried, after Retry-After when given.</summary>
    public const string Throttled = "agent-throttled";
    /// <summary>Any other non-2xx status (4xx, and 3xx: redirects are not followed). Not retried.</summary>
    public const string Rejected = "agent-rejected";
    /// <summary>The agent's endpoint or config cannot be used; no request was made.</summary>
    public const string InvalidConfig = "invalid-agent-config";
    /// <summary>The agent's circuit breaker is open; no request was made.</summary>
    public const string CircuitOpen = "circuit-open";
    /// <summary>The caller's cancellation token fired.</summary>
    public const string Cancelled = "cancelled";
    /// <summary>The executor's own time-out of a step (pot.tasks.step-timeout): the agent did not answer in time.</summary>
    public const string StepTimeout = "step-timeout";
    /// <summary>The adapter itself threw (a bug of this node, not of the agent).</summary>
    public const string AdapterFailed = "adapter-failed";

    /// <summary>
    /// The one classification of failed calls (docs/orchestration.md, "Which failures count"): whether the agent caused
    /// the failure, so that it counts against the agent in its SLA window, in the router's recent window and in its
    /// reputation. Agent-caused: <see cref="Unreachable"/> (resets, refused connections), <see cref="Timeout"/> and
    /// <see cref="StepTimeout"/>, <see cref="Error"/> (5xx, an unusable 2xx body). Not agent-caused: <see cref="Rejected"/>
    /// (a 4xx answers the caller's own input), <see cref="Throttled"/> (the agent protecting itself, or this node's queue),
    /// <see cref="CircuitOpen"/>, <see cref="InvalidConfig"/>, <see cref="Cancelled"/>, <see cref="AdapterFailed"/>, a call
    /// the node interrupted by a restart, and any code not listed (fail closed: nobody is punished for what the rules do
    /// not name).
    /// </summary>
    public static bool IsAgentFault(string? code) => code is Unreachable or Timeout or StepTimeout or Error;
}
