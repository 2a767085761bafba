using System.Collections.Concurrent;
using Akka.Configuration;
using Microsoft.Extensions.Time.Testing;
using Newtonsoft.Json.Linq;
using PoT.Adapters;
using PoT.Hosting;
using PoT.Specs.Support;
using Xunit;

namespace PoT.Specs.Adapters;

/// <summary>The HTTP agent adapter against a real Kestrel server on loopback (<see cref="FakeAgentServer"/>).</summary>
public sealed class HttpAgentAdapterSpecs : IAsyncLifetime
{
    private static readonly TimeSpan Ms = TimeSpan.FromMilliseconds(1);

    /// <summary>Quick back-off and no start spacing, so specs about other things run fast.</summary>
    private static readonly HttpAdapterOptions Fast = HttpAdapterOptions.Default with
    {
        MinSpacing = TimeSpan.Zero,
        BaseDelay = 10 * Ms,
        MaxDelay = 50 * Ms,
    };

    private FakeAgentServer _server = null!;
    private readonly List<HttpAgentAdapter> _adapters = [];

    public async Task InitializeAsync() => _server = await FakeAgentServer.Start();

    public async Task DisposeAsync()
    {
        foreach (var adapter in _adapters)
            adapter.Dispose();
        await _server.DisposeAsync();
    }

    private HttpAgentAdapter Adapter(HttpAdapterOptions? options = null, TimeProvider? time = null)
    {
        var adapter = new HttpAgentAdapter(options ?? Fast, time);
        _adapters.Add(adapter);
        return adapter;
    }

    private AgentRequest Request(string path, string config = "", JToken? input = null, string? agentId = null, string stepId = "step-1") =>
        new(agentId ?? path, _server.Url(path), config, "summarize", "task-1", stepId, input ?? new JObject { ["text"] = "hello" });

    private static void SameJson(string expected, JToken? actual) =>
        Assert.True(JToken.DeepEquals(Parse(expected), actual), $"expected {expected}, got {actual?.ToString(Newtonsoft.Json.Formatting.None)}");

    /// <summary>Without date sniffing, as the adapter reads.</summary>
    private static JToken Parse(string json)
    {
        using var reader = new Newtonsoft.Json.JsonTextReader(new StringReader(json)) { DateParseHandling = Newtonsoft.Json.DateParseHandling.None };
        return JToken.ReadFrom(reader);
    }

    // ---- the request an agent receives, the output it gives ----

    [Fact]
    public async Task A_post_carries_the_configured_path_headers_query_and_a_json_body_and_the_output_property_is_the_output()
    {
        _server.On("/a/v1/run", Replies.Json(200, """{"output": {"summary": "hi"}, "cost": 3}"""));
        var config = """{"path": "/v1/run", "headers": {"X-Key": "secret"}, "query": {"mode": "fast & loose"}, "timeoutMs": 5000}""";

        var response = await Adapter().Call(Request("/a", config), null, default);

        Assert.True(response.Success, response.Message);
        SameJson("""{"summary": "hi"}""", response.Output);
        var attempt = Assert.Single(response.Attempts);
        Assert.Equal((1, true, 200, null), (attempt.Attempt, attempt.Success, attempt.HttpStatus, attempt.ErrorCode));
        var seen = Assert.Single(_server.Requests("/a/v1/run"));
        Assert.Equal("POST", seen.Method);
        Assert.Equal(new Dictionary<string, string> { ["mode"] = "fast & loose" }, seen.Query);
        Assert.Equal("secret", seen.Headers["X-Key"]);
        Assert.Equal("task-1", seen.Headers["X-PoT-Task"]);
        Assert.Equal("step-1", seen.Headers["X-PoT-Step"]);
        Assert.StartsWith("application/json", seen.Headers["Content-Type"]);
        SameJson("""{"taskId": "task-1", "stepId": "step-1", "capability": "summarize", "input": {"text": "hello"}}""", Parse(seen.Body));
    }

    [Theory]
    [InlineData("POST", true)]
    [InlineData("put", true)]
    [InlineData("PATCH", true)]
    [InlineData("GET", false)]
    [InlineData("delete", false)]
    [InlineData("HEAD", false)]
    public async Task Every_method_reaches_the_agent_with_the_step_in_the_body_or_else_in_the_query(string method, bool hasBody)
    {
        _server.On("/a", Replies.Json(200, """{"ok": true}"""));
        JToken input = method == "GET" ? new JValue("what is 2+2? & why") : new JObject { ["n"] = 2, ["tags"] = new JArray("x", "y") };

        var response = await Adapter().Call(Request("/a", $$$"""{"method": "{{{method}}}", "headers": {"X-Key": "k"}}""", input), null, default);

        Assert.True(response.Success, response.Message);
        var seen = Assert.Single(_server.Requests("/a"));
        Assert.Equal(method.ToUpperInvariant(), seen.Method);
        Assert.Equal("k", seen.Headers["X-Key"]);
        Assert.Equal("task-1", seen.Headers["X-PoT-Task"]);
        Assert.Equal("step-1", seen.Headers["X-PoT-Step"]);
        if (hasBody)
        {
            Assert.Empty(seen.Query);
            Assert.True(JToken.DeepEquals(new JObject { ["taskId"] = "task-1", ["stepId"] = "step-1", ["capability"] = "summarize", ["input"] = input },
                Parse(seen.Body)));
        }
        else
        {
            Assert.Equal("", seen.Body);
            Assert.Equal("task-1", seen.Query["taskId"]);
            Assert.Equal("step-1", seen.Query["stepId"]);
            Assert.Equal("summarize", seen.Query["capability"]);
            // a string input as it is, anything else as compact JSON
            Assert.Equal(method == "GET" ? "what is 2+2? & why" : """{"n":2,"tags":["x","y"]}""", seen.Query["input"]);
        }
        if (method == "HEAD")
            Assert.Null(response.Output);
        else
            SameJson("""{"ok": true}""", response.Output);
    }

    [Fact]
    public async Task Json_without_an_output_property_is_the_output_as_it_is_and_other_content_is_a_string()
    {
        _server.On("/json", Replies.Json(200, """{"answer": 42, "when": "2024-01-01T00:00:00Z"}"""));
        _server.On("/list", Replies.Body(200, "application/problem+json", "[1, 2]"));
        _server.On("/text", Replies.Text(200, "plain words"));
        _server.On("/bad", Replies.Json(200, "{not json"));
        var adapter = Adapter();

        var json = await adapter.Call(Request("/json"), null, default);
        var list = await adapter.Call(Request("/list"), null, default);
        var text = await adapter.Call(Request("/text"), null, default);
        var bad = await adapter.Call(Request("/bad"), null, default);

        // dates stay strings (no date sniffing)
        SameJson("""{"answer": 42, "when": "2024-01-01T00:00:00Z"}""", json.Output);
        Assert.Equal(JTokenType.String, json.Output!["when"]!.Type);
        SameJson("[1, 2]", list.Output);
        Assert.Equal(new JValue("plain words"), text.Output);
        Assert.False(bad.Success);
        Assert.Equal((AgentErrorCodes.Error, false), (bad.ErrorCode, Assert.Single(bad.Attempts).Retryable));
    }

    // ---- retries ----

    [Fact]
    public async Task A_500_then_a_200_succeeds_after_one_retry_and_both_attempts_are_reported_as_they_complete()
    {
        _server.On("/a", Replies.Status(500), Replies.Json(200, """{"output": "done"}"""));
        var reported = new List<(AttemptOutcome Attempt, int RequestsSeen)>();

        var response = await Adapter().Call(Request("/a"), a => reported.Add((a, _server.Requests("/a").Count)), default);

        Assert.True(response.Success, response.Message);
        Assert.Equal(new JValue("done"), response.Output);
        Assert.Equal(response.Attempts, reported.Select(r => r.Attempt));
        // the first attempt was reported before the retry was sent
        Assert.Equal([1, 2], reported.Select(r => r.RequestsSeen));
        var (first, second) = (response.Attempts[0], response.Attempts[1]);
        Assert.Equal((1, false, 500, AgentErrorCodes.Error, true), (first.Attempt, first.Success, first.HttpStatus, first.ErrorCode, first.Retryable));
        Assert.Equal((2, true, 200, null), (second.Attempt, second.Success, second.HttpStatus, second.ErrorCode));
        Assert.Equal(2, _server.Requests("/a").Count);
        Assert.True(response.Latency >= first.Latency + second.Latency);
    }

    [Theory]
    [InlineData(408, AgentErrorCodes.Timeout)]
    [InlineData(429, AgentErrorCodes.Throttled)]
    [InlineData(500, AgentErrorCodes.Error)]
    [InlineData(502, AgentErrorCodes.Error)]
    [InlineData(503, AgentErrorCodes.Error)]
    public async Task Timeouts_throttling_and_server_errors_are_retried(int status, string code)
    {
        _server.On("/a", Replies.Status(status), Replies.Json(200, "{}"));

        var response = await Adapter().Call(Request("/a"), null, default);

        Assert.True(response.Success, response.Message);
        Assert.Equal((status, code, true), (response.Attempts[0].HttpStatus, response.Attempts[0].ErrorCode, response.Attempts[0].Retryable));
        Assert.Equal(2, _server.Requests("/a").Count);
    }

    [Theory]
    [InlineData(400)]
    [InlineData(401)]
    [InlineData(404)]
    [InlineData(422)]
    [InlineData(301)]
    public async Task Other_statuses_are_rejections_and_are_not_retried(int status)
    {
        _server.On("/a", Replies.Status(status, ("Location", "/elsewhere")), Replies.Json(200, "{}"));
        _server.On("/elsewhere", Replies.Json(200, "{}"));

        var response = await Adapter().Call(Request("/a"), null, default);

        Assert.False(response.Success);
        Assert.Equal(AgentErrorCodes.Rejected, response.ErrorCode);
        var attempt = Assert.Single(response.Attempts);
        Assert.Equal((status, false), (attempt.HttpStatus, attempt.Retryable));
        Assert.Single(_server.Requests("/a"));
        Assert.Empty(_server.Requests("/elsewhere"));
    }

    [Fact]
    public async Task A_429_with_Retry_After_one_second_waits_at_least_that_long_before_the_retry()
    {
        _server.On("/a", Replies.Status(429, ("Retry-After", "1")), Replies.Json(200, "{}"));

        var response = await Adapter().Call(Request("/a"), null, default);

        Assert.True(response.Success, response.Message);
        Assert.Equal((AgentErrorCodes.Throttled, TimeSpan.FromSeconds(1)), (response.Attempts[0].ErrorCode, response.Attempts[0].RetryAfter));
        var seen = _server.Requests("/a");
        // the back-off alone would be 10–50 ms; timers may fire up to a millisecond early
        Assert.True(seen[1].Start - seen[0].Start >= TimeSpan.FromSeconds(1) - 10 * Ms, $"retried after {(seen[1].Start - seen[0].Start).TotalMilliseconds} ms");
    }

    [Fact]
    public async Task A_503_with_an_HTTP_date_in_Retry_After_waits_until_that_date()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2030, 1, 1, 12, 0, 0, TimeSpan.Zero));
        var t0 = time.GetUtcNow();
        _server.On("/a", Replies.Status(503, ("Retry-After", (t0 + TimeSpan.FromSeconds(5)).ToString("R"))), Replies.Json(200, "{}"));
        var first = new TaskCompletionSource<AttemptOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);

        var call = Adapter(Fast, time).Call(Request("/a"), a => first.TrySetResult(a), default);
        var attempt = await first.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal((503, AgentErrorCodes.Error, TimeSpan.FromSeconds(5)), (attempt.HttpStatus, attempt.ErrorCode, attempt.RetryAfter));
        // move the fake clock on in steps until the retry arrives: it must not come before the date
        while (!await _server.TryWaitUntil(() => _server.Requests("/a").Count == 2, 20 * Ms))
            time.Advance(TimeSpan.FromMilliseconds(250));
        var waited = time.GetUtcNow() - t0;

        Assert.True((await call).Success);
        Assert.True(waited >= TimeSpan.FromSeconds(5), $"retried after {waited} of fake time");
    }

    [Fact]
    public async Task A_connection_reset_is_reported_as_unreachable_and_retried()
    {
        _server.On("/a", Replies.Abort, Replies.Json(200, """{"output": 1}"""));

        var response = await Adapter().Call(Request("/a"), null, default);

        Assert.True(response.Success, response.Message);
        Assert.Equal(new JValue(1), response.Output);
        var first = response.Attempts[0];
        Assert.Equal((false, null, AgentErrorCodes.Unreachable, true), (first.Success, first.HttpStatus, first.ErrorCode, first.Retryable));
        Assert.Equal(2, response.Attempts.Length);
        Assert.Equal(2, _server.Requests("/a").Count);
    }

    [Fact]
    public async Task An_attempt_slower_than_timeoutMs_is_reported_as_agent_timeout_and_retried()
    {
        _server.On("/a", Replies.After(TimeSpan.FromSeconds(30), Replies.Json(200, """{"output": "late"}""")),
            Replies.Json(200, """{"output": "on time"}"""));

        var response = await Adapter().Call(Request("/a", """{"timeoutMs": 200}"""), null, default);

        Assert.True(response.Success, response.Message);
        Assert.Equal(new JValue("on time"), response.Output);
        var first = response.Attempts[0];
        Assert.Equal((AgentErrorCodes.Timeout, (int?)null, true), (first.ErrorCode, first.HttpStatus, first.Retryable));
        // The timer and the latency stopwatch start a moment apart (seen: 199.06 ms): allow the clock's granularity.
        Assert.True(first.Latency >= TimeSpan.FromMilliseconds(190), $"timed out after {first.Latency}");
        // the slow request was abandoned: the agent's connection was closed
        await _server.WaitUntil(() => _server.InFlight("/a") == 0, "the slow request abandoned");
    }

    [Fact]
    public async Task Retries_stop_after_max_retries_with_the_last_error_code()
    {
        _server.On("/a", Replies.Status(500), Replies.Status(503), Replies.Status(429), Replies.Json(200, "{}"));
        var reported = new ConcurrentQueue<AttemptOutcome>();

        var response = await Adapter(Fast with { MaxRetries = 2 }).Call(Request("/a"), reported.Enqueue, default);

        Assert.False(response.Success);
        Assert.Equal(AgentErrorCodes.Throttled, response.ErrorCode);
        Assert.Equal([AgentErrorCodes.Error, AgentErrorCodes.Error, AgentErrorCodes.Throttled], response.Attempts.Select(a => a.ErrorCode));
        Assert.Equal([1, 2, 3], response.Attempts.Select(a => a.Attempt));
        Assert.Equal(response.Attempts, reported);
        Assert.Equal(3, _server.Requests("/a").Count);
    }

    [Fact]
    public async Task Cancelling_during_a_Retry_After_wait_returns_cancelled_without_retrying()
    {
        _server.On("/a", Replies.Status(429, ("Retry-After", "30")), Replies.Json(200, "{}"));
        using var cancel = new CancellationTokenSource();

        var response = await Adapter().Call(Request("/a"), _ => cancel.Cancel(), cancel.Token);

        Assert.False(response.Success);
        Assert.Equal(AgentErrorCodes.Cancelled, response.ErrorCode);
        Assert.Equal(AgentErrorCodes.Throttled, Assert.Single(response.Attempts).ErrorCode);
        Assert.Single(_server.Requests("/a"));
    }

    [Fact]
    public async Task Cancelling_a_request_in_flight_returns_cancelled_and_reports_the_interrupted_attempt()
    {
        _server.On("/a", Replies.After(TimeSpan.FromSeconds(30), Replies.Json(200, "{}")));
        using var cancel = new CancellationTokenSource();

        var call = Adapter().Call(Request("/a"), null, cancel.Token);
        await _server.WaitUntil(() => _server.InFlight("/a") == 1, "the request in flight");
        cancel.Cancel();
        var response = await call;

        Assert.Equal(AgentErrorCodes.Cancelled, response.ErrorCode);
        var attempt = Assert.Single(response.Attempts);
        Assert.Equal((AgentErrorCodes.Cancelled, false), (attempt.ErrorCode, attempt.Retryable));
        await _server.WaitUntil(() => _server.InFlight("/a") == 0, "the request abandoned");
        Assert.Single(_server.Requests("/a"));
    }

    // ---- circuit breaker ----

    [Fact]
    public async Task The_circuit_opens_after_repeated_failures_fails_fast_and_closes_after_the_break_when_the_agent_recovers()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2030, 1, 1, 12, 0, 0, TimeSpan.Zero));
        // no back-off timers, so nothing waits on the fake clock but the break
        var options = Fast with { MaxRetries = 3, BaseDelay = TimeSpan.Zero, MaxDelay = TimeSpan.Zero, MinimumThroughput = 2, FailureRatio = 0.5 };
        var adapter = Adapter(options, time);
        _server.On("/a", Replies.Status(500));
        _server.On("/b", Replies.Json(200, "{}"));
        Assert.True((await adapter.Call(Request("/b"), null, default)).Success);

        // two failed attempts open the circuit; the retry after them is refused without a request
        var broken = await adapter.Call(Request("/a"), null, default);
        Assert.Equal(AgentErrorCodes.CircuitOpen, broken.ErrorCode);
        Assert.Equal([AgentErrorCodes.Error, AgentErrorCodes.Error], broken.Attempts.Select(a => a.ErrorCode));
        Assert.True(adapter.IsOpen("/a"));
        Assert.False(adapter.IsOpen("/b"));
        Assert.False(adapter.IsOpen("never-called"));

        // while open: failing fast, no request reaches the agent
        _server.On("/a", Replies.Json(200, """{"output": "back"}"""));
        var fast = await adapter.Call(Request("/a"), null, default);
        Assert.Equal((AgentErrorCodes.CircuitOpen, 0), (fast.ErrorCode, fast.Attempts.Length));
        time.Advance(options.BreakDuration - Ms);
        Assert.True(adapter.IsOpen("/a"));
        Assert.Equal(AgentErrorCodes.CircuitOpen, (await adapter.Call(Request("/a"), null, default)).ErrorCode);
        Assert.Equal(2, _server.Requests("/a").Count);
        Assert.True((await adapter.Call(Request("/b"), null, default)).Success);

        // after the break: one trial request, which succeeds and closes the circuit
        time.Advance(Ms);
        Assert.False(adapter.IsOpen("/a"));
        var trial = await adapter.Call(Request("/a"), null, default);
        Assert.True(trial.Success, trial.Message);
        Assert.Equal(new JValue("back"), trial.Output);
        Assert.False(adapter.IsOpen("/a"));
        Assert.True((await adapter.Call(Request("/a"), null, default)).Success);
        Assert.Equal(4, _server.Requests("/a").Count);
    }

    [Fact]
    public async Task Rejections_by_the_agent_do_not_open_its_circuit()
    {
        var adapter = Adapter(Fast with { MinimumThroughput = 2, FailureRatio = 0.5 });
        _server.On("/a", Replies.Status(400));

        for (var i = 0; i < 4; i++)
            Assert.Equal(AgentErrorCodes.Rejected, (await adapter.Call(Request("/a"), null, default)).ErrorCode);

        Assert.False(adapter.IsOpen("/a"));
        Assert.Equal(4, _server.Requests("/a").Count);
    }

    // ---- rate limits ----

    [Fact]
    public async Task No_more_than_ten_requests_are_in_flight_to_one_agent_while_another_agent_is_served()
    {
        var adapter = Adapter();
        using var gate = new SemaphoreSlim(0);
        _server.On("/a", Replies.Gated(gate, Replies.Json(200, "{}")));
        _server.On("/b", Replies.Json(200, "{}"));

        var calls = Enumerable.Range(0, 30).Select(i => adapter.Call(Request("/a", stepId: $"step-{i}"), null, default)).ToArray();
        await _server.WaitUntil(() => _server.InFlight("/a") == 10, "10 requests in flight");
        // the other agent has its own limits
        Assert.True((await adapter.Call(Request("/b"), null, default)).Success);
        // one answer at a time: each frees one slot, which exactly one queued request takes
        for (var i = 1; i <= 20; i++)
        {
            gate.Release();
            await _server.WaitUntil(() => _server.Requests("/a").Count == 10 + i && _server.InFlight("/a") == 10, $"request {10 + i} in flight");
        }
        gate.Release(10);
        var responses = await Task.WhenAll(calls);

        Assert.All(responses, r => Assert.True(r.Success, r.Message));
        Assert.All(responses, r => Assert.Single(r.Attempts));
        Assert.Equal(30, _server.Requests("/a").Count);
        Assert.Equal(10, _server.MaxInFlight("/a"));
    }

    [Fact]
    public async Task Requests_to_one_agent_start_at_least_min_spacing_apart_and_another_agent_is_not_slowed()
    {
        var options = Fast with { MinSpacing = TimeSpan.FromMilliseconds(100) };
        var adapter = Adapter(options);
        _server.On("/a", Replies.Json(200, "{}"));
        _server.On("/b", Replies.Json(200, "{}"));
        // first requests open the connections, so that the spacing measured below is not blurred by connecting
        Assert.True((await adapter.Call(Request("/a"), null, default)).Success);
        Assert.True((await adapter.Call(Request("/b"), null, default)).Success);

        var a = Enumerable.Range(0, 8).Select(i => adapter.Call(Request("/a", stepId: $"step-{i}"), null, default)).ToArray();
        var b = Enumerable.Range(0, 2).Select(i => adapter.Call(Request("/b", stepId: $"step-{i}"), null, default)).ToArray();
        var responses = await Task.WhenAll(a.Concat(b));

        Assert.All(responses, r => Assert.True(r.Success, r.Message));
        // the first request of each (which also connected and warmed up) is left out of the measurement
        var startsA = _server.Requests("/a").Select(r => r.Start).Order().Skip(1).ToList();
        var startsB = _server.Requests("/b").Select(r => r.Start).Order().Skip(1).ToList();
        Assert.Equal((8, 2), (startsA.Count, startsB.Count));
        // measured at the server: allow 10 ms of loopback jitter between the client's start and the server's
        foreach (var starts in new[] { startsA, startsB })
        {
            var gaps = starts.Zip(starts.Skip(1), (x, y) => y - x).ToList();
            Assert.True(gaps.All(g => g >= options.MinSpacing - 10 * Ms), $"gaps: {string.Join(", ", gaps.Select(g => g.TotalMilliseconds))} ms");
        }
        // b's two requests did not queue behind a's eight (which span at least 700 ms)
        Assert.True(startsB[^1] < startsA[^1]);
    }

    // ---- invalid config, options ----

    [Theory]
    [InlineData("not json")]
    [InlineData("[1, 2]")]
    [InlineData("""{"method": 5}""")]
    [InlineData("""{"method": "PO ST"}""")]
    [InlineData("""{"path": "relative"}""")]
    [InlineData("""{"path": "/x?y=1"}""")]
    [InlineData("""{"headers": {"X-Key": 1}}""")]
    [InlineData("""{"headers": {"X-PoT-Task": "forged"}}""")]
    [InlineData("""{"headers": {"Bad Name": "v"}}""")]
    [InlineData("""{"headers": {"X-Key": "line\nbreak"}}""")]
    [InlineData("""{"query": ["a"]}""")]
    [InlineData("""{"timeoutMs": 0}""")]
    [InlineData("""{"timeoutMs": "5000"}""")]
    [InlineData("""{"timeout": 5000}""")]
    [InlineData("""{"method": "GET", "method": "POST"}""")]
    public async Task An_invalid_config_fails_without_a_request(string config)
    {
        _server.On("/a", Replies.Json(200, "{}"));
        var reported = 0;

        var response = await Adapter().Call(Request("/a", config), _ => reported++, default);

        Assert.False(response.Success);
        Assert.Equal(AgentErrorCodes.InvalidConfig, response.ErrorCode);
        Assert.False(string.IsNullOrEmpty(response.Message));
        Assert.Empty(response.Attempts);
        Assert.Equal(0, reported);
        Assert.Equal(0, _server.RequestCount);
    }

    [Fact]
    public async Task An_endpoint_that_is_not_an_absolute_http_url_fails_without_a_request()
    {
        var adapter = Adapter();

        foreach (var endpoint in new[] { "ftp://agent.example/run", "/relative", "not a url" })
        {
            var response = await adapter.Call(Request("/a") with { Endpoint = endpoint }, null, default);
            Assert.Equal((AgentErrorCodes.InvalidConfig, 0), (response.ErrorCode, response.Attempts.Length));
        }
        Assert.Equal(0, _server.RequestCount);
    }

    [Fact]
    public void The_options_bind_from_pot_conf()
    {
        Assert.Equal(new HttpAdapterOptions(10, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(10), 3, TimeSpan.FromMilliseconds(200),
            TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30), 0.5, 5, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(15), 4 * 1024 * 1024,
            TimeSpan.FromMinutes(2)), HttpAdapterOptions.Default);
        Assert.Equal(HttpAdapterOptions.Default, PotConfig.Load().Pot is var pot ? HttpAdapterOptions.FromConfig(pot) : null);
    }

    [Theory]
    [InlineData("max-concurrent-per-agent = 0", "max-concurrent-per-agent")]
    [InlineData("min-spacing = -1s", "min-spacing")]
    [InlineData("attempt-timeout = 1ms", "attempt-timeout")]
    [InlineData("max-retries = -1", "max-retries")]
    [InlineData("max-delay = 10ms", "max-delay")]
    [InlineData("circuit.failure-ratio = 1.5", "circuit.failure-ratio")]
    [InlineData("circuit.failure-ratio = 0", "circuit.failure-ratio")]
    [InlineData("circuit.minimum-throughput = 1", "circuit.minimum-throughput")]
    [InlineData("circuit.sampling-duration = 100ms", "circuit.sampling-duration")]
    [InlineData("circuit.break-duration = 300ms", "circuit.break-duration")]
    [InlineData("max-response-bytes = 0", "max-response-bytes")]
    public void Bad_option_values_are_refused_with_the_key_named(string setting, string key)
    {
        var pot = ConfigurationFactory.ParseString($"pot.adapters.http.{setting}").WithFallback(PotConfig.Embedded("pot.conf")).GetConfig("pot");

        var error = Assert.Throws<ConfigurationException>(() => HttpAdapterOptions.FromConfig(pot));

        Assert.Contains($"pot.adapters.http.{key}", error.Message);
    }
}
