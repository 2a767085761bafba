using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Newtonsoft.Json.Linq;

namespace PoT.Specs.Support;

/// <summary>
/// A remote agent for specs (a peer we do not own, so a double is fine): a real Kestrel server on a free loopback
/// port that answers POSTs with <paramref name="answer"/>, and counts the calls it got.
/// </summary>
public sealed class LoopbackAgent : IAsyncDisposable
{
    private readonly WebApplication _app;

    public ConcurrentQueue<JObject> Calls { get; } = new();

    public string Url { get; }

    private LoopbackAgent(WebApplication app, string url)
    {
        _app = app;
        Url = url;
    }

    /// <summary>Starts an agent; <paramref name="answer"/> gets each request's JSON body and writes the response.</summary>
    public static async Task<LoopbackAgent> Start(Func<JObject, HttpResponse, Task> answer)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        LoopbackAgent? agent = null;
        app.MapPost("/{**path}", async (HttpContext context) =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = JObject.Parse(await reader.ReadToEndAsync());
            agent!.Calls.Enqueue(body);
            await answer(body, context.Response);
        });
        await app.StartAsync();
        agent = new LoopbackAgent(app, app.Urls.First() + "/agent");
        return agent;
    }

    /// <summary>An agent that answers {"output": …} built from the request.</summary>
    public static Task<LoopbackAgent> Answering(Func<JObject, JToken> output, TimeSpan? delay = null) => Start(async (request, response) =>
    {
        if (delay is { } wait) await Task.Delay(wait);
        response.ContentType = "application/json";
        await response.WriteAsync(new JObject { ["output"] = output(request) }.ToString(Newtonsoft.Json.Formatting.None));
    });

    /// <summary>An agent that always fails with HTTP 500.</summary>
    public static Task<LoopbackAgent> Failing() => Start(async (_, response) =>
    {
        response.StatusCode = 500;
        await response.WriteAsync("internal error");
    });

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
