using System.Net.Http.Headers;
using System.Text;
using Akka.Actor;
using Akka.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Newtonsoft.Json.Linq;
using PoT.Hosting;
using PoT.Host.Node;
using PoT.Ledger;
using PoT.Protocol;

namespace PoT.Specs.Support;

/// <summary>
/// A whole node in-process, as `pot node` runs it: Kestrel on a free loopback port, the real actor system, the
/// real SQLite file. Specs talk to it over HTTP, like every client.
/// </summary>
public sealed class TestNode : IAsyncDisposable
{
    private readonly WebApplication _app;

    public PotSettings Settings { get; }
    public HttpClient Http { get; }
    public CommandVerifier Verifier { get; }
    public ActorSystem System => _app.Services.GetRequiredService<ActorSystem>();
    public ActorRegistry Actors => _app.Services.GetRequiredService<ActorRegistry>();

    /// <summary>The node's router index and agent adapters (specs drive the index's decay by hand).</summary>
    public OrchestrationServices Orchestration => _app.Services.GetRequiredService<OrchestrationServices>();

    private TestNode(WebApplication app, PotSettings settings, Uri baseAddress)
    {
        _app = app;
        Settings = settings;
        Http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
        Verifier = new CommandVerifier(CommandCatalog.Pot, settings.Domain);
    }

    /// <summary>Starts a node on <paramref name="dataDir"/>; a genesis, if given, is written there first and minted.</summary>
    public static async Task<TestNode> Start(string dataDir, GenesisSpec? genesis = null, string extraHocon = "", TimeProvider? clock = null,
        IReadOnlyList<EthKey>? validatorKeys = null)
    {
        var settings = SpecConfig.Node(dataDir, extraHocon);
        if (genesis is not null)
            await File.WriteAllTextAsync(settings.GenesisFile!, genesis.CanonicalJson().ToString());
        var app = NodeHost.Build(settings, clock, logging => logging.SetMinimumLevel(LogLevel.Warning), validatorKeys);
        await app.StartAsync();
        var node = new TestNode(app, settings, new Uri(NodeHost.BoundUrls(app)[0]));
        await NodeHost.ApplyGenesis(app, settings, app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("spec"));
        // The emission schedule starts at the node's first tick: specs that count journal rows start after it.
        await Eventually.Holds(async () => Xunit.Assert.True((bool)(await node.Get("/v1/emission")).Body["started"]!));
        if (genesis is not null)
        {
            // Minting goes through the outbox relay: specs start once every allocation has landed.
            foreach (var allocation in genesis.Allocations)
                await Eventually.Holds(async () => Xunit.Assert.Equal(200, (await node.Get($"/v1/accounts/{allocation.Address}")).Status));
        }
        return node;
    }

    public static GenesisSpec Genesis(params (EthKey Key, ulong Amount)[] allocations) =>
        new([.. allocations.Select(a => new GenesisAllocation(a.Key.Address, a.Amount))]);

    public Signed Sign(ISignedMessage command, EthKey key) => Verifier.Sign(command, key);

    /// <summary>POSTs a signed command and returns the status and JSON body.</summary>
    public Task<(int Status, JObject Body)> Send(ISignedMessage command, EthKey key) => Send(CommandVerifier.WireEnvelope(Sign(command, key).Envelope));

    public Task<(int Status, JObject Body)> Send(JObject wireEnvelope) => PostRaw(wireEnvelope.ToString(Newtonsoft.Json.Formatting.None));

    public async Task<(int Status, JObject Body)> PostRaw(string body, string path = "/v1/commands")
    {
        using var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await Http.PostAsync(path, content);
        return ((int)response.StatusCode, JObject.Parse(await response.Content.ReadAsStringAsync()));
    }

    public async Task<(int Status, JObject Body)> Put(string path, string body)
    {
        using var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await Http.PutAsync(path, content);
        return ((int)response.StatusCode, JObject.Parse(await response.Content.ReadAsStringAsync()));
    }

    public async Task<(int Status, JObject Body)> Get(string path)
    {
        using var response = await Http.GetAsync(path);
        return ((int)response.StatusCode, JObject.Parse(await response.Content.ReadAsStringAsync()));
    }

    public async Task<JObject> Account(Address address)
    {
        var (status, body) = await Get($"/v1/accounts/{address}");
        return status == 200 ? body : throw new InvalidOperationException($"account {address}: HTTP {status} {body}");
    }

    public async Task<UInt128> Balance(Address address) => UInt128.Parse((string)(await Account(address))["balance"]!);

    public async Task<ulong> NextNonce(Address address) => (ulong)(await Account(address))["nextNonce"]!;

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
