using Akka.Actor;
using Akka.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PoT.Hosting;
using PoT.Ledger;
using PoT.Protocol;

namespace PoT.Host.Node;

/// <summary>Builds the `pot node` web application: Akka.Hosting for the actor system, Kestrel for the API.</summary>
public static class NodeHost
{
    public static WebApplication Build(PotSettings settings, TimeProvider? clock = null, Action<ILoggingBuilder>? logging = null,
        IReadOnlyList<EthKey>? validatorKeys = null)
    {
        clock ??= TimeProvider.System;
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://{settings.HttpHost}:{settings.HttpPort}");
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = settings.MaxBodyBytes + 1);
        builder.Logging.ClearProviders().AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss ";
        });
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Warning);
        logging?.Invoke(builder.Logging);

        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton(clock);
        builder.Services.AddSingleton(new CommandVerifier(CommandCatalog.Pot, settings.Domain));
        builder.Services.AddSingleton<CommandEndpoint>();
        builder.Services.AddSingleton(new PoT.Proofs.ProofStore(settings.Proofs.Directory));
        var orchestration = OrchestrationServices.Create(settings);
        builder.Services.AddSingleton(orchestration);
        builder.Services.AddAkka("pot", (akka, _) => akka.AddPotNode(settings, clock, validatorKeys, orchestration));

        var app = builder.Build();
        app.UseExceptionHandler(errors => errors.Run(async context =>
        {
            var error = context.Features.Get<IExceptionHandlerFeature>()?.Error;
            var (code, message) = error is AskTimeoutException
                ? (ErrorCodes.Timeout, "the node did not answer in time; retry")
                : ("internal", "the node failed to handle this request; see its log");
            context.Response.StatusCode = code == "internal" ? StatusCodes.Status500InternalServerError : ApiErrors.StatusOf(code);
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(ApiErrors.Body(code, message).ToString(Newtonsoft.Json.Formatting.None));
        }));
        app.MapPost("/v1/commands", (HttpRequest request, CommandEndpoint endpoint, CancellationToken ct) => endpoint.Handle(request, ct));
        app.MapPotQueries();
        app.MapProofs();
        app.MapReputation();
        app.MapTasks();
        app.MapFallback((HttpContext context) =>
            ApiErrors.Error(ErrorCodes.NotFound, $"no endpoint {context.Request.Method} {context.Request.Path}"));
        return app;
    }

    /// <summary>The addresses Kestrel really bound (port 0 becomes the port it picked).</summary>
    public static IReadOnlyList<string> BoundUrls(WebApplication app) =>
        app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
            .Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()?.Addresses.ToList() ?? [];

    /// <summary>Mints the genesis file the first time one exists; refuses a file that differs from the recorded one. The
    /// genesis names the network (<see cref="NetworkIdentity"/>): from here on rounds can open.</summary>
    public static async Task<GenesisState> ApplyGenesis(WebApplication app, PotSettings settings, ILogger log)
    {
        if (NetworkIdentity.IsDevelopment(settings.Domain))
            log.LogWarning("This node signs and verifies on the development domain (chain id 31337, verifying contract 0x0): every " +
                           "network left on it accepts the others' signatures. Set pot.domain for a real network (docs/operations.md).");
        var state = await Genesis(app, settings, log);
        if (state.Hash is { } hash) settings.Network.Set(settings.Domain, hash);
        return state;
    }

    private static async Task<GenesisState> Genesis(WebApplication app, PotSettings settings, ILogger log)
    {
        var genesis = app.Services.GetRequiredService<ActorRegistry>().Get<GenesisSingleton>();
        if (settings.GenesisFile is not { } file || !File.Exists(file))
        {
            var state = await genesis.Ask<GenesisState>(GetGenesis.Instance, settings.AskTimeout);
            if (state.Hash is null)
                log.LogWarning("No genesis file at {File}: the ledger holds no tokens yet. Write one with `pot genesis` and restart.", settings.GenesisFile);
            return state;
        }
        var reply = await genesis.Ask<object>(new ApplyGenesis(GenesisSpec.Load(file)), settings.AskTimeout);
        return reply switch
        {
            GenesisState applied => applied,
            CommandRejected rejected => throw new InvalidOperationException($"{rejected.Code}: {rejected.Message}"),
            _ => throw new InvalidOperationException($"unexpected genesis reply {reply}")
        };
    }
}
