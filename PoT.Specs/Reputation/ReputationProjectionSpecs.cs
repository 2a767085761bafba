using System.Net.Http.Headers;
using System.Text;
using Newtonsoft.Json.Linq;
using PoT.Hosting;
using PoT.Host.Node;
using PoT.Ledger;
using PoT.Persistence;
using PoT.Protocol;
using PoT.Reputation;
using PoT.Specs.Support;
using Xunit;

namespace PoT.Specs.Reputation;

/// <summary>
/// The live projection on a running node: it equals a fold of the journal read from outside, it converges after a
/// rebuild underneath it, and a node killed with SIGKILL mid-ingest (so, sooner or later, mid-batch) never counts an
/// event twice or skips one.
/// </summary>
public sealed class ReputationProjectionSpecs : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly CommandVerifier _verifier = new(CommandCatalog.Pot, PotConfig.Load().Domain);
    private static readonly EthKey[] Senders = [Keys.Alice, Keys.Carol, Keys.Mallory];

    public void Dispose() => _dir.Dispose();

    private string Database => _dir.File("pot.db");

    private static GenesisSpec Genesis => TestNode.Genesis([.. Senders.Select(k => (k, 1_000_000UL))]);

    /// <summary>Waits until the projection has folded and stored the whole journal, then checks the served and the
    /// stored read models against a rebuild from outside.</summary>
    private async Task<JObject> AssertCaughtUpAndEqualToARebuild(Func<Task<JObject>> network)
    {
        JObject body = [];
        await Eventually.Holds(async () =>
        {
            body = await network();
            Assert.Equal(await Journal.MaxOrdering(Database), (long)body["offset"]!);
            Assert.Equal((long)body["offset"]!, (long)body["storedOffset"]!);
        }, TimeSpan.FromSeconds(30));
        var rebuilt = await Journal.Rebuilt(Database);
        Assert.Equal(rebuilt.Offset, (long)body["offset"]!);
        Assert.Equal(rebuilt.Digest(), (string)body["digest"]!);
        Assert.Equal(rebuilt.Network.Events, (long)body["events"]!);
        Assert.Equal(rebuilt.Digest(), Journal.Stored(Database).Digest());
        return body;
    }

    [Fact]
    public async Task The_live_read_models_equal_a_rebuild_and_converge_after_a_rebuild_underneath()
    {
        var node = await TestNode.Start(_dir.Path, Genesis);
        for (ulong n = 0; n < 5; n++)
            foreach (var key in Senders) Assert.Equal(200, (await node.Send(new Transfer(key.Address, Keys.Bob.Address, 10 + n, n), key)).Status);
        await Eventually.Holds(async () => Assert.Equal(3 * (10 + 11 + 12 + 13 + 14), (int)await node.Balance(Keys.Bob.Address)));
        Assert.Equal(200, (await node.Send(new StakeAsValidator(Keys.Bob.Address, 20, 0), Keys.Bob)).Status);

        var network = await AssertCaughtUpAndEqualToARebuild(async () => (await node.Get("/v1/network")).Body);
        Assert.Equal("3000000", (string)network["supply"]!);
        Assert.Equal("20", (string)network["validatorStake"]!);
        Assert.Equal(4, (int)network["accounts"]!);
        var validators = (JArray)(await node.Get("/v1/reputation/validators")).Body["validators"]!;
        Assert.Equal(Keys.Bob.Address.Value, (string)validators.Single()["validator"]!);

        // A rebuild writes an empty model at offset 0 underneath the live projection: its next batch conflicts, it
        // restarts from what is stored, and folds everything again, once.
        new ReadModelStore(() => JournalPages.SqliteConnection(Database)).Replace(ReputationState.Empty);
        foreach (var key in Senders) Assert.Equal(200, (await node.Send(new Transfer(key.Address, Keys.Bob.Address, 1, 5), key)).Status);

        var live = await AssertCaughtUpAndEqualToARebuild(async () => (await node.Get("/v1/network")).Body);

        // The operator's rebuild, offline: the same digest at the same offset.
        await node.DisposeAsync();
        var (exit, output, error) = await PotCli.Run("projections", "rebuild", "--db", Database);
        Assert.True(exit == 0, error);
        var rebuilt = JObject.Parse(output);
        Assert.Equal(((long)live["offset"]!, (string)live["digest"]!), ((long)rebuilt["offset"]!, (string)rebuilt["digest"]!));
        Assert.Equal((string)live["digest"]!, (string)JObject.Parse((await PotCli.Run("projections", "digest", "--db", Database)).Output)["digest"]!);
    }

    [Fact]
    public async Task A_node_killed_mid_ingest_resumes_its_projection_without_double_counting()
    {
        await File.WriteAllTextAsync(_dir.File("genesis.json"), Genesis.CanonicalJson().ToString());
        var nonces = Senders.ToDictionary(k => k.Address, _ => 0UL);
        for (var life = 0; life < 3; life++)
        {
            await using var node = await NodeProcess.Start(_dir.Path, null, "--config", await SmallPages());
            using var http = new HttpClient { BaseAddress = node.Url };
            await Eventually.Holds(async () => Assert.Equal(200, (int)(await http.GetAsync($"/v1/accounts/{Keys.Mallory.Address}")).StatusCode));
            // Load from three clients; the node is killed while they are still sending (and the projection folding).
            var sending = Senders.Select(key => Task.Run(async () =>
            {
                for (var i = 0; i < 40; i++)
                {
                    var (status, _) = await Post(http, new Transfer(key.Address, Keys.Bob.Address, 1, nonces[key.Address]), key);
                    if (status != 200) return;
                    nonces[key.Address]++;
                }
            })).ToList();
            await Eventually.Holds(async () => Assert.True(await Journal.MaxOrdering(Database) > 40 * (life + 1)));
            await node.Kill();
            await Task.WhenAll(sending.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default)));
        }

        await using (var node = await NodeProcess.Start(_dir.Path))
        {
            using var http = new HttpClient { BaseAddress = node.Url };
            var network = await AssertCaughtUpAndEqualToARebuild(async () => JObject.Parse(await http.GetStringAsync("/v1/network")));
            Assert.Equal("3000000", (string)network["supply"]!);
        }
    }

    /// <summary>Pages of 7 rows: many small batches, so that a kill lands inside one often.</summary>
    private async Task<string> SmallPages()
    {
        var file = _dir.File("small-pages.conf");
        await File.WriteAllTextAsync(file, "pot.reputation.page-size = 7\npot.reputation.poll-interval = 20ms");
        return file;
    }

    private async Task<(int Status, JObject Body)> Post(HttpClient http, ISignedCommand command, EthKey key)
    {
        using var content = new StringContent(CommandVerifier.WireEnvelope(_verifier.Sign(command, key).Envelope).ToString(Newtonsoft.Json.Formatting.None),
            Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        try
        {
            using var response = await http.PostAsync("/v1/commands", content);
            return ((int)response.StatusCode, JObject.Parse(await response.Content.ReadAsStringAsync()));
        }
        catch (HttpRequestException)
        {
            return (0, []);
        }
    }
}
