using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace PoT.Specs.Support;

/// <summary>What an agent saw of one request. <see cref="Start"/> (when its handler was entered) is on the server's own
/// stopwatch; <see cref="InFlightAtStart"/> counts it.</summary>
public sealed record RecordedRequest(
    string Method,
    string Path,
    IReadOnlyDictionary<string, string> Query,
    IReadOnlyDictionary<string, string> Headers,
    string Body,
    TimeSpan Start,
    int InFlightAtStart);

/// <summary>How the fake agent answers one request.</summary>
public delegate Task Reply(HttpContext context);

/// <summary>
/// A real Kestrel server on a free loopback port, standing in for agents: each path is an agent whose replies are
/// scripted in order (the last one repeats), with faults (slow answers, 5xx, 429 + Retry-After, aborted connections,
/// answers held until the spec releases them). It records every request and counts requests in flight per path.
/// </summary>
public sealed class FakeAgentServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly object _lock = new();
    private readonly Dictionary<string, Queue<Reply>> _scripts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Reply> _last = new(StringComparer.Ordinal);
    private readonly List<RecordedRequest> _requests = [];
    private readonly Dictionary<string, int> _inFlight = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _maxInFlight = new(StringComparer.Ordinal);
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private FakeAgentServer(WebApplication app) => _app = app;

    public Uri BaseAddress { get; private set; } = null!;

    public static async Task<FakeAgentServer> Start()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var server = new FakeAgentServer(app);
        app.Run(server.Handle);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        server.BaseAddress = new Uri(address);
        return server;
    }

    /// <summary>The agent's endpoint URL for <paramref name="path"/>.</summary>
    public string Url(string path) => new Uri(BaseAddress, path).ToString();

    /// <summary>Scripts the replies of <paramref name="path"/>, replacing what was scripted before: in order, the last
    /// one repeating. A path never scripted answers 404.</summary>
    public void On(string path, params Reply[] replies)
    {
        lock (_lock)
        {
            _scripts[path] = new Queue<Reply>(replies[..^1]);
            _last[path] = replies[^1];
        }
    }

    public IReadOnlyList<RecordedRequest> Requests(string path)
    {
        lock (_lock)
            return _requests.Where(r => r.Path == path).ToList();
    }

    public int RequestCount
    {
        get
        {
            lock (_lock)
                return _requests.Count;
        }
    }

    public int InFlight(string path)
    {
        lock (_lock)
            return _inFlight.GetValueOrDefault(path);
    }

    public int MaxInFlight(string path)
    {
        lock (_lock)
            return _maxInFlight.GetValueOrDefault(path);
    }

    /// <summary>Waits until <paramref name="condition"/> (about this server's records) holds, re-checking whenever a
    /// request starts or ends; false if it did not within <paramref name="within"/>.</summary>
    public async Task<bool> TryWaitUntil(Func<bool> condition, TimeSpan within)
    {
        var deadline = _clock.Elapsed + within;
        while (true)
        {
            Task changed;
            lock (_lock)
            {
                if (condition())
                    return true;
                changed = _changed.Task;
            }
            var left = deadline - _clock.Elapsed;
            if (left <= TimeSpan.Zero)
                return false;
            await Task.WhenAny(changed, Task.Delay(left));
        }
    }

    public async Task WaitUntil(Func<bool> condition, string what, TimeSpan? within = null)
    {
        if (!await TryWaitUntil(condition, within ?? TimeSpan.FromSeconds(10)))
            throw new TimeoutException($"the fake agent server never saw: {what}");
    }

    private async Task Handle(HttpContext context)
    {
        var request = context.Request;
        var path = request.Path.Value ?? "/";
        var start = _clock.Elapsed;
        var body = await new StreamReader(request.Body).ReadToEndAsync(context.RequestAborted);
        Reply reply;
        lock (_lock)
        {
            var inFlight = _inFlight.GetValueOrDefault(path) + 1;
            _inFlight[path] = inFlight;
            _maxInFlight[path] = Math.Max(inFlight, _maxInFlight.GetValueOrDefault(path));
            _requests.Add(new RecordedRequest(
                request.Method,
                path,
                request.Query.ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.Ordinal),
                request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
                body,
                start,
                inFlight));
            reply = _scripts.TryGetValue(path, out var script) && script.Count > 0 ? script.Dequeue()
                : _last.TryGetValue(path, out var last) ? last
                : Replies.Status(404);
            Changed();
        }
        try
        {
            await reply(context);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // the adapter gave up on this request (its attempt time-out)
        }
        finally
        {
            lock (_lock)
            {
                _inFlight[path]--;
                Changed();
            }
        }
    }

    private void Changed()
    {
        var changed = _changed;
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        changed.TrySetResult();
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>The fake agent's replies.</summary>
public static class Replies
{
    public static Reply Status(int status, params (string Name, string Value)[] headers) => context =>
    {
        context.Response.StatusCode = status;
        foreach (var (name, value) in headers)
            context.Response.Headers[name] = value;
        return Task.CompletedTask;
    };

    public static Reply Json(int status, string json) => Body(status, "application/json", json);

    public static Reply Text(int status, string text) => Body(status, "text/plain; charset=utf-8", text);

    public static Reply Body(int status, string contentType, string body) => async context =>
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        await context.Response.WriteAsync(body, context.RequestAborted);
    };

    /// <summary>Closes the connection without answering (the client sees a reset / premature end).</summary>
    public static Reply Abort => context =>
    {
        context.Abort();
        return Task.CompletedTask;
    };

    /// <summary>Answers with <paramref name="then"/> after <paramref name="delay"/> (a slow agent); stops waiting when
    /// the client goes away.</summary>
    public static Reply After(TimeSpan delay, Reply then) => async context =>
    {
        await Task.Delay(delay, context.RequestAborted);
        await then(context);
    };

    /// <summary>Holds each request until the spec releases one permit of <paramref name="gate"/>.</summary>
    public static Reply Gated(SemaphoreSlim gate, Reply then) => async context =>
    {
        await gate.WaitAsync(context.RequestAborted);
        await then(context);
    };
}
