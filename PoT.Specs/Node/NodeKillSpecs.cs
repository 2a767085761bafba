using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text;
using Newtonsoft.Json.Linq;
using PoT.Hosting;
using PoT.Host.Node;
using PoT.Ledger;
using PoT.Protocol;
using PoT.Registry;
using PoT.Specs.Support;
using Xunit;

namespace PoT.Specs.Node;

/// <summary>The promise to every client: a 200 means durable. A `pot node` process is killed with SIGKILL right
/// after its last reply, restarted over the same file, and must hold every acknowledged command.</summary>
public sealed class NodeKillSpecs : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly CommandVerifier _verifier = new(CommandCatalog.Pot, PotConfig.Load().Domain);

    [Fact]
    public async Task Killing_the_node_right_after_its_replies_loses_no_acknowledged_command()
    {
        var senders = new[] { Keys.Alice, Keys.Carol, Keys.Mallory };
        var genesis = TestNode.Genesis((Keys.Alice, 1_000_000), (Keys.Carol, 1_000_000), (Keys.Mallory, 1_000_000));
        await File.WriteAllTextAsync(_dir.File("genesis.json"), genesis.CanonicalJson().ToString());
        const int perSender = 25;
        var acknowledged = new ConcurrentBag<(EthKey Sender, ulong Nonce, ulong Amount, JObject Envelope)>();
        JObject? registration;

        await using (var node = await NodeProcess.Start(_dir.Path))
        {
            using var http = new HttpClient { BaseAddress = node.Url };
            foreach (var a in genesis.Allocations)
                await Eventually.Holds(async () => Assert.Equal(200, (int)(await http.GetAsync($"/v1/accounts/{a.Address}")).StatusCode));

            // Three clients at once, each sending its commands in nonce order, as fast as the node answers.
            await Task.WhenAll(senders.Select(key => Task.Run(async () =>
            {
                for (ulong nonce = 0; nonce < perSender; nonce++)
                {
                    var amount = 10 + nonce;
                    var envelope = Wire(new Transfer(key.Address, Keys.Bob.Address, amount, nonce), key);
                    var (status, _) = await Post(http, envelope);
                    Assert.Equal(200, status);
                    acknowledged.Add((key, nonce, amount, envelope));
                }
            })));
            registration = Wire(new RegisterAgent(Keys.Alice.Address, "survivor", ["qa"], "http", "https://a.example", "", 10, 100, 9000, 5_000, perSender), Keys.Alice);
            Assert.Equal(200, (await Post(http, registration)).Status);
            await node.Kill();
        }

        await using (var node = await NodeProcess.Start(_dir.Path))
        {
            using var http = new HttpClient { BaseAddress = node.Url };
            foreach (var key in senders)
            {
                var sent = acknowledged.Where(a => a.Sender == key).Sum(a => (decimal)a.Amount);
                var account = await Get(http, $"/v1/accounts/{key.Address}");
                var expectedNonce = key == Keys.Alice ? perSender + 1 : perSender;
                Assert.Equal(expectedNonce, (int)account["nextNonce"]!);
                Assert.Equal(1_000_000m - sent - (key == Keys.Alice ? 5_000 + SpecConfig.RegistrationFee : 0), decimal.Parse((string)account["balance"]!));
            }
            // Credits still in the outbox at the kill are delivered by the restarted node's relay.
            var total = acknowledged.Sum(a => (decimal)a.Amount);
            await Eventually.Holds(async () => Assert.Equal(total, decimal.Parse((string)(await Get(http, $"/v1/accounts/{Keys.Bob.Address}"))["balance"]!)));
            Assert.Equal("pending", (string?)(await Get(http, "/v1/agents/survivor"))["status"]);

            // And every acknowledged envelope, sent again, is answered from its receipt: nothing executes twice.
            var last = acknowledged.OrderBy(a => a.Nonce).Last(a => a.Sender == Keys.Carol);
            var (status, body) = await Post(http, last.Envelope);
            Assert.Equal(200, status);
            Assert.True((bool)body["replayed"]!);
        }
    }

    private JObject Wire(ISignedCommand command, EthKey key) => CommandVerifier.WireEnvelope(_verifier.Sign(command, key).Envelope);

    private static async Task<(int Status, JObject Body)> Post(HttpClient http, JObject envelope)
    {
        using var content = new StringContent(envelope.ToString(Newtonsoft.Json.Formatting.None), Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await http.PostAsync("/v1/commands", content);
        return ((int)response.StatusCode, JObject.Parse(await response.Content.ReadAsStringAsync()));
    }

    private static async Task<JObject> Get(HttpClient http, string path) => JObject.Parse(await http.GetStringAsync(path));

    public void Dispose() => _dir.Dispose();
}
