using System.Buffers;
using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Runtime.ExceptionServices;
using System.Text;
using System.Threading.RateLimiting;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using Polly;
using Polly.CircuitBreaker;
using Polly.RateLimiting;
using Polly.Registry;
using Polly.Retry;
using Polly.Timeout;

namespace PoT.Adapters;

/// <summary>
/// Calls agents registered with adapter "http" (docs/adapters.md). Per agent id, created on its first call: a
/// concurrency limiter and a start-spacing limiter (System.Threading.RateLimiting), a circuit breaker, and two Polly
/// pipelines — the retry pipeline, whose every pass is one attempt, around the attempt pipeline (circuit breaker →
/// rate limiters → per-attempt time-out → the HTTP request). Thread-safe; one instance serves the whole node.
/// </summary>
/// <remarks>
/// <see cref="Call"/> returns every failure of the agent; it throws <see cref="ArgumentException"/> for a malformed
/// request (empty agent id, task or step id not printable ASCII), <see cref="ObjectDisposedException"/> after
/// <see cref="Dispose"/>, and whatever <c>onAttempt</c> throws. Cancellation returns a failure with
/// <see cref="AgentErrorCodes.Cancelled"/>, never an <see cref="OperationCanceledException"/>.
/// </remarks>
public sealed class HttpAgentAdapter : IAgentAdapter, IDisposable
{
    private static readonly ResiliencePropertyKey<TimeSpan> AttemptTimeoutKey = new("pot.adapters.http.attempt-timeout");
    private static readonly JsonLoadSettings ResponseLoad = new() { DuplicatePropertyNameHandling = DuplicatePropertyNameHandling.Replace };
    private const int SnippetChars = 200;
    private const int ReadChunkBytes = 16 * 1024;

    private readonly HttpAdapterOptions _options;
    private readonly TimeProvider _time;
    private readonly HttpClient _client;
    private readonly ConcurrentDictionary<string, Lazy<AgentLane>> _lanes = new(StringComparer.Ordinal);
    private readonly ResiliencePipelineRegistry<string> _pipelines = new();
    private int _disposed;

    /// <param name="options">Validated here (<see cref="HttpAdapterOptions.Validate"/>).</param>
    /// <param name="time">The clock of back-off, Retry-After, time-outs, spacing, the circuit breaker and latencies
    /// (default: the system clock).</param>
    /// <param name="handler">The HTTP stack (default: a SocketsHttpHandler that does not follow redirects); not
    /// disposed by the adapter.</param>
    public HttpAgentAdapter(HttpAdapterOptions options, TimeProvider? time = null, HttpMessageHandler? handler = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Validate();
        _time = time ?? TimeProvider.System;
        _client = handler is null
            ? new HttpClient(new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                UseCookies = false,
                PooledConnectionLifetime = options.ConnectionLifetime,
            }, disposeHandler: true)
            : new HttpClient(handler, disposeHandler: false);
        // Each attempt has its own time-out (the attempt pipeline); the client's would cut across retries.
        _client.Timeout = Timeout.InfiniteTimeSpan;
    }

    public HttpAdapterOptions Options => _options;

    public async Task<AgentResponse> Call(AgentRequest request, Action<AttemptOutcome>? onAttempt, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        ArgumentNullException.ThrowIfNull(request);
        if (string.IsNullOrEmpty(request.AgentId))
            throw new ArgumentException("AgentId is empty", nameof(request));
        RequirePrintableAscii(request.TaskId, nameof(AgentRequest.TaskId));
        RequirePrintableAscii(request.StepId, nameof(AgentRequest.StepId));
        ArgumentNullException.ThrowIfNull(request.Capability, nameof(request));

        var started = _time.GetTimestamp();
        var call = HttpAgentCall.TryCreate(request, out var problem);
        if (call is null)
            return new AgentResponse(false, null, AgentErrorCodes.InvalidConfig, problem, [], _time.GetElapsedTime(started));

        var state = new CallState(this, Lane(request.AgentId), request.AgentId, call, onAttempt);
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        Outcome<Attempted> outcome;
        try
        {
            outcome = await state.Lane.Retry.ExecuteOutcomeAsync(static (ctx, s) => s.Adapter.AttemptAsync(ctx, s), context, state)
                .ConfigureAwait(false);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }

        var attempts = state.Attempts.ToImmutable();
        var latency = _time.GetElapsedTime(started);
        if (outcome.Exception is { } exception)
        {
            if (exception is OperationCanceledException && cancellationToken.IsCancellationRequested)
                return new AgentResponse(false, null, AgentErrorCodes.Cancelled, "cancelled by the caller", attempts, latency);
            ExceptionDispatchInfo.Capture(exception).Throw();
        }
        var last = outcome.Result!;
        if (last.ErrorCode is null)
            return new AgentResponse(true, last.Output, null, null, attempts, latency);
        if (cancellationToken.IsCancellationRequested && last.ErrorCode != AgentErrorCodes.Cancelled)
            return new AgentResponse(false, null, AgentErrorCodes.Cancelled, $"cancelled by the caller after {last.ErrorCode}: {last.Message}",
                attempts, latency);
        return new AgentResponse(false, null, last.ErrorCode, last.Message, attempts, latency);
    }

    /// <summary>True while the agent's circuit is open and its break has not yet run out, or while its half-open trial
    /// request is in flight. False for an agent never called.</summary>
    public bool IsOpen(string agentId)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (!_lanes.TryGetValue(agentId, out var lazy) || !lazy.IsValueCreated)
            return false;
        var lane = lazy.Value;
        return lane.Circuit.CircuitState switch
        {
            // Polly moves Open → HalfOpen only when a call arrives after the break; until then the break's end decides.
            CircuitState.Open => _time.GetUtcNow().UtcTicks < Volatile.Read(ref lane.OpenUntilUtcTicks),
            CircuitState.HalfOpen or CircuitState.Isolated => true,
            _ => false,
        };
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        _pipelines.Dispose();
        foreach (var lazy in _lanes.Values)
        {
            if (lazy.IsValueCreated)
                lazy.Value.Dispose();
        }
        _client.Dispose();
    }

    private AgentLane Lane(string agentId) =>
        _lanes.GetOrAdd(agentId, id => new Lazy<AgentLane>(() => CreateLane(id), LazyThreadSafetyMode.ExecutionAndPublication)).Value;

    private AgentLane CreateLane(string agentId)
    {
        var concurrency = new ConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = _options.MaxConcurrentPerAgent,
            QueueLimit = int.MaxValue,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
        var spacing = _options.MinSpacing > TimeSpan.Zero ? new StartSpacingLimiter(_options.MinSpacing, _time) : null;
        // A slot first, then the start: so spacing is kept between the requests that really start.
        var limiter = spacing is null ? (RateLimiter)concurrency : RateLimiter.CreateChained(concurrency, spacing);
        var lane = new AgentLane(concurrency, spacing, limiter, new CircuitBreakerStateProvider());

        lane.Attempt = _pipelines.GetOrAddPipeline<HttpReply>(agentId, (builder, _) =>
        {
            builder.TimeProvider = _time;
            builder
                .AddCircuitBreaker(new CircuitBreakerStrategyOptions<HttpReply>
                {
                    FailureRatio = _options.FailureRatio,
                    MinimumThroughput = _options.MinimumThroughput,
                    SamplingDuration = _options.SamplingDuration,
                    BreakDuration = _options.BreakDuration,
                    StateProvider = lane.Circuit,
                    ShouldHandle = args => ValueTask.FromResult(CountsAgainstCircuit(args.Outcome, args.Context, lane)),
                    OnOpened = args =>
                    {
                        Volatile.Write(ref lane.OpenUntilUtcTicks, (_time.GetUtcNow() + args.BreakDuration).UtcTicks);
                        return default;
                    },
                })
                .AddRateLimiter(limiter)
                .AddTimeout(new TimeoutStrategyOptions
                {
                    Timeout = _options.AttemptTimeout,
                    TimeoutGenerator = args => ValueTask.FromResult(args.Context.Properties.GetValue(AttemptTimeoutKey, _options.AttemptTimeout)),
                });
        });

        lane.Retry = _options.MaxRetries == 0
            ? ResiliencePipeline<Attempted>.Empty
            : new ResiliencePipelineBuilder<Attempted> { TimeProvider = _time }
                .AddRetry(new RetryStrategyOptions<Attempted>
                {
                    MaxRetryAttempts = _options.MaxRetries,
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                    Delay = _options.BaseDelay,
                    MaxDelay = _options.MaxDelay,
                    ShouldHandle = args => ValueTask.FromResult(args.Outcome.Result is { Retryable: true }),
                    // An agent's Retry-After replaces the back-off (Polly does not cap it with MaxDelay; we cap it here).
                    DelayGenerator = args => ValueTask.FromResult(args.Outcome.Result?.RetryAfter is { } after
                        ? after < _options.MaxRetryAfter ? after : _options.MaxRetryAfter
                        : (TimeSpan?)null),
                })
                .Build();
        return lane;
    }

    /// <summary>What the circuit breaker counts as a failure: signs that the agent is down or overloaded (no response,
    /// time-out, 408, 429, 5xx). A 4xx or an unusable 2xx body means the agent is up. A caller's cancellation does
    /// not count, except for the half-open trial, which must not close the circuit without having succeeded.</summary>
    private static bool CountsAgainstCircuit(Outcome<HttpReply> outcome, ResilienceContext context, AgentLane lane) => outcome.Exception switch
    {
        null => outcome.Result!.Status is >= 500 or 408 or 429,
        OperationCanceledException when context.CancellationToken.IsCancellationRequested => lane.Circuit.CircuitState == CircuitState.HalfOpen,
        ResponseTooLargeException or RateLimiterRejectedException => false,
        _ => true,
    };

    /// <summary>One pass of the retry pipeline: the attempt pipeline, then the attempt classified and reported.</summary>
    private async ValueTask<Outcome<Attempted>> AttemptAsync(ResilienceContext context, CallState state)
    {
        var probe = new AttemptProbe();
        var inner = ResilienceContextPool.Shared.Get(context.CancellationToken);
        inner.Properties.Set(AttemptTimeoutKey, state.Call.Timeout ?? _options.AttemptTimeout);
        Outcome<HttpReply> reply;
        try
        {
            reply = await state.Lane.Attempt.ExecuteOutcomeAsync(static (ctx, s) => s.Adapter.SendAsync(ctx, s.Call, s.Probe), inner,
                (Adapter: this, state.Call, Probe: probe)).ConfigureAwait(false);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(inner);
        }

        var attempted = Classify(reply, state, probe, context.CancellationToken);
        if (attempted.Http is { } http)
        {
            state.Attempts.Add(http);
            state.OnAttempt?.Invoke(http);
        }
        return Outcome.FromResult(attempted);
    }

    /// <summary>The HTTP request itself: after the circuit breaker and the limiters, within the attempt time-out.</summary>
    private async ValueTask<Outcome<HttpReply>> SendAsync(ResilienceContext context, HttpAgentCall call, AttemptProbe probe)
    {
        try
        {
            probe.Start = _time.GetTimestamp();
            probe.Started = true;
            using var message = call.CreateMessage();
            using var response = await _client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, context.CancellationToken)
                .ConfigureAwait(false);
            var status = (int)response.StatusCode;
            var body = await ReadBodyAsync(response.Content, status, call.Method == HttpMethod.Head, context.CancellationToken).ConfigureAwait(false);
            return Outcome.FromResult(new HttpReply(status, response.ReasonPhrase, response.Content.Headers.ContentType, body,
                status is 429 or 503 ? RetryAfter(response.Headers.RetryAfter) : null));
        }
        catch (Exception e)
        {
            return Outcome.FromException<HttpReply>(e);
        }
    }

    private async Task<string> ReadBodyAsync(HttpContent content, int status, bool head, CancellationToken cancellationToken)
    {
        var max = _options.MaxResponseBytes;
        // (a HEAD response declares the length of the body it does not send)
        if (!head && content.Headers.ContentLength > max)
            throw new ResponseTooLargeException(status, max);
        var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using var _ = stream.ConfigureAwait(false);
        using var buffer = new MemoryStream();
        var chunk = ArrayPool<byte>.Shared.Rent(ReadChunkBytes);
        try
        {
            int read;
            while ((read = await stream.ReadAsync(chunk.AsMemory(), cancellationToken).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + read > max)
                    throw new ResponseTooLargeException(status, max);
                buffer.Write(chunk, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
        var text = Charset(content.Headers.ContentType?.CharSet).GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
        return text.Length > 0 && text[0] == '\uFEFF' ? text[1..] : text;
    }

    private static Encoding Charset(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
            return Encoding.UTF8;
        try
        {
            return Encoding.GetEncoding(name.Trim('"', ' '));
        }
        catch (ArgumentException)
        {
            return Encoding.UTF8;
        }
    }

    /// <summary>Retry-After as a wait from now: seconds, or an HTTP date (a date past gives zero).</summary>
    private TimeSpan? RetryAfter(RetryConditionHeaderValue? header)
    {
        if (header?.Delta is { } delta)
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        if (header?.Date is { } date)
        {
            var wait = date - _time.GetUtcNow();
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }
        return null;
    }

    private Attempted Classify(Outcome<HttpReply> reply, CallState state, AttemptProbe probe, CancellationToken callerToken)
    {
        var number = state.Attempts.Count + 1;
        var latency = probe.Started ? _time.GetElapsedTime(probe.Start) : TimeSpan.Zero;

        Attempted Failed(int? status, string code, string message, bool retryable, TimeSpan? retryAfter = null) =>
            new(new AttemptOutcome(number, false, status, code, message, retryable, latency, retryAfter), null, code, message, retryable, retryAfter);

        if (reply.Exception is { } e)
        {
            switch (e)
            {
                case BrokenCircuitException broken:
                    return NotSent(AgentErrorCodes.CircuitOpen, $"the circuit of agent {state.AgentId} is open" +
                        (broken.RetryAfter is { } after ? $" for another {after.TotalMilliseconds:0} ms" : "") +
                        (state.Attempts.Count > 0 ? $"; last attempt: {state.Attempts[^1].ErrorCode}: {state.Attempts[^1].Message}" : ""));
                case RateLimiterRejectedException:
                    return NotSent(AgentErrorCodes.Throttled, $"the adapter's queue for agent {state.AgentId} refused the request");
                case OperationCanceledException when callerToken.IsCancellationRequested:
                    return probe.Started
                        ? Failed(null, AgentErrorCodes.Cancelled, "cancelled by the caller", retryable: false)
                        : NotSent(AgentErrorCodes.Cancelled, "cancelled by the caller");
                case TimeoutRejectedException:
                    return Failed(null, AgentErrorCodes.Timeout,
                        $"no complete response within {(state.Call.Timeout ?? _options.AttemptTimeout).TotalMilliseconds:0} ms", retryable: true);
                case ResponseTooLargeException large:
                    return Failed(large.Status, AgentErrorCodes.Error, large.Message, retryable: false);
                case HttpRequestException or IOException or SocketException:
                    return Failed(null, AgentErrorCodes.Unreachable, Describe(e), retryable: true);
                case OperationCanceledException:
                    // not the caller's and not the attempt time-out: a time-out inside the HTTP stack
                    return Failed(null, AgentErrorCodes.Timeout, Describe(e), retryable: true);
                default:
                    ExceptionDispatchInfo.Throw(e);
                    return null!; // unreachable
            }
        }

        var r = reply.Result!;
        if (r.Status is >= 200 and < 300)
        {
            if (!TryOutput(r, out var output, out var problem))
                return Failed(r.Status, AgentErrorCodes.Error, problem!, retryable: false);
            return new Attempted(new AttemptOutcome(number, true, r.Status, null, null, false, latency, null), output, null, null, false, null);
        }
        var message = $"HTTP {r.Status}{(string.IsNullOrEmpty(r.Reason) ? "" : " " + r.Reason)}{Snippet(r.Body)}";
        return r.Status switch
        {
            408 => Failed(r.Status, AgentErrorCodes.Timeout, message, retryable: true),
            429 => Failed(r.Status, AgentErrorCodes.Throttled, message, retryable: true, r.RetryAfter),
            >= 500 => Failed(r.Status, AgentErrorCodes.Error, message, retryable: true, r.RetryAfter),
            _ => Failed(r.Status, AgentErrorCodes.Rejected, message, retryable: false),
        };

        static Attempted NotSent(string code, string message) => new(null, null, code, message, false, null);
    }

    /// <summary>The output of a 2xx: JSON if the Content-Type says so (its "output" property if it is an object that has
    /// one), else the body as a JSON string; null for an empty body.</summary>
    private static bool TryOutput(HttpReply reply, out JToken? output, out string? problem)
    {
        output = null;
        problem = null;
        if (reply.Body.Length == 0)
            return true;
        if (!IsJson(reply.ContentType))
        {
            output = new JValue(reply.Body);
            return true;
        }
        try
        {
            using var reader = new JsonTextReader(new StringReader(reply.Body)) { DateParseHandling = DateParseHandling.None };
            var token = JToken.ReadFrom(reader, ResponseLoad);
            if (reader.Read())
                throw new JsonReaderException("additional content after the JSON value");
            output = token is JObject o && o.Property("output", StringComparison.Ordinal) is { } property ? property.Value : token;
            return true;
        }
        catch (JsonException e)
        {
            problem = $"the response is declared JSON but is not: {e.Message}";
            return false;
        }
    }

    private static bool IsJson(MediaTypeHeaderValue? contentType) => contentType?.MediaType is { } media
        && (media.Equals("application/json", StringComparison.OrdinalIgnoreCase) || media.Equals("text/json", StringComparison.OrdinalIgnoreCase)
            || media.EndsWith("+json", StringComparison.OrdinalIgnoreCase));

    private static string Snippet(string body)
    {
        var text = body.Trim();
        if (text.Length == 0)
            return "";
        return ": " + (text.Length <= SnippetChars ? text : text[..SnippetChars] + "…");
    }

    private static string Describe(Exception e) => e.InnerException is { } inner && inner.Message != e.Message ? $"{e.Message} ({inner.Message})" : e.Message;

    private static void RequirePrintableAscii(string value, string name)
    {
        if (string.IsNullOrEmpty(value) || !value.All(ch => ch is >= '!' and <= '~'))
            throw new ArgumentException($"{name} must be non-empty printable ASCII without spaces (it is sent as a header)", name);
    }

    /// <summary>One agent's limiters, circuit breaker and pipelines.</summary>
    private sealed class AgentLane(ConcurrencyLimiter concurrency, StartSpacingLimiter? spacing, RateLimiter limiter,
        CircuitBreakerStateProvider circuit) : IDisposable
    {
        public CircuitBreakerStateProvider Circuit { get; } = circuit;
        public ResiliencePipeline<HttpReply> Attempt { get; set; } = ResiliencePipeline<HttpReply>.Empty;
        public ResiliencePipeline<Attempted> Retry { get; set; } = ResiliencePipeline<Attempted>.Empty;
        /// <summary>When the current break ends (UTC ticks), written by the breaker's OnOpened.</summary>
        public long OpenUntilUtcTicks;

        public void Dispose()
        {
            limiter.Dispose();
            spacing?.Dispose();
            concurrency.Dispose();
        }
    }

    private sealed class CallState(HttpAgentAdapter adapter, AgentLane lane, string agentId, HttpAgentCall call, Action<AttemptOutcome>? onAttempt)
    {
        public HttpAgentAdapter Adapter { get; } = adapter;
        public AgentLane Lane { get; } = lane;
        public string AgentId { get; } = agentId;
        public HttpAgentCall Call { get; } = call;
        public Action<AttemptOutcome>? OnAttempt { get; } = onAttempt;
        /// <summary>Written by one attempt at a time (the retry pipeline runs them in sequence).</summary>
        public ImmutableArray<AttemptOutcome>.Builder Attempts { get; } = ImmutableArray.CreateBuilder<AttemptOutcome>();
    }

    private sealed class AttemptProbe
    {
        public bool Started;
        public long Start;
    }

    /// <summary>One attempt's result: <see cref="Http"/> is null when no request was sent (circuit open, cancelled while
    /// queued).</summary>
    private sealed record Attempted(AttemptOutcome? Http, JToken? Output, string? ErrorCode, string? Message, bool Retryable, TimeSpan? RetryAfter);

    private sealed record HttpReply(int Status, string? Reason, MediaTypeHeaderValue? ContentType, string Body, TimeSpan? RetryAfter);

    private sealed class ResponseTooLargeException(int status, long max)
        : Exception($"HTTP {status}: the response body is larger than {max} bytes (pot.adapters.http.max-response-bytes)")
    {
        public int Status { get; } = status;
    }
}
