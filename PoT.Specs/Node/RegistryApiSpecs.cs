using Newtonsoft.Json.Linq;
using PoT.Ledger;
using PoT.Protocol;
using PoT.Registry;
using PoT.Specs.Support;
using Xunit;

namespace PoT.Specs.Node;

/// <summary>An agent's life through the HTTP API: register, read back, list, update, top up, deregister.</summary>
public sealed class RegistryApiSpecs : IDisposable
{
    private readonly TempDir _dir = new();

    [Fact]
    public async Task An_agent_is_registered_listed_updated_and_deregistered_with_its_stake_following()
    {
        await using var node = await TestNode.Start(_dir.Path, TestNode.Genesis((Keys.Alice, 50_000), (Keys.Bob, 50_000)));
        var alice = Keys.Alice.Address;
        var register = new RegisterAgent(alice, "translator", ["translate", "summarize"], "http", "https://translator.example/v1",
            """{"languages":["en","fr"]}""", 25, 1200, 9900, 4_000, 0);
        var (status, body) = await node.Send(register, Keys.Alice);
        Assert.Equal(200, status);
        var events = ((JArray)body["events"]!).Select(e => (string)e!).ToArray();
        // The intent, the stake locked and the registration fee burned in the account, the agent registered.
        Assert.Equal(new[] { "agent-translator:1", $"account-{alice}:2", $"account-{alice}:3", "agent-translator:2" }, events);

        var agent = (await node.Get("/v1/agents/translator")).Body;
        Assert.Equal(("pending", alice.Value, "4000", "25"),
            ((string)agent["status"]!, (string)agent["provider"]!, (string)agent["registeredStake"]!, (string)agent["profile"]!["pricePerCall"]!));

        await Eventually.Holds(async () =>
        {
            var listed = (JArray)(await node.Get("/v1/agents?capability=translate")).Body["agents"]!;
            Assert.Equal("translator", (string)listed.Single()["agentId"]!);
        });
        Assert.Empty((JArray)(await node.Get("/v1/agents?capability=qa")).Body["agents"]!);

        // The identical envelope again: same receipt, nothing new.
        var (retryStatus, retry) = await node.Send(register, Keys.Alice);
        Assert.Equal((200, true), (retryStatus, (bool)retry["replayed"]!));
        Assert.Equal(events, ((JArray)retry["events"]!).Select(e => (string)e!).ToArray());

        Assert.Equal(200, (await node.Send(new UpdateAgent(alice, "translator", ["translate"], "https://translator.example/v2", "", 30, 900, 9950, 1), Keys.Alice)).Status);
        Assert.Equal(200, (await node.Send(new StakeForAgent(alice, "translator", 1_000, 2), Keys.Alice)).Status);
        await Eventually.Holds(async () =>
        {
            var listed = (JArray)(await node.Get($"/v1/agents?provider={alice}")).Body["agents"]!;
            Assert.Equal(("https://translator.example/v2", "5000"), ((string)listed.Single()["profile"]!["endpoint"]!, (string)listed.Single()["stake"]!));
        });

        Assert.Equal(200, (await node.Send(new DeregisterAgent(alice, "translator", 3), Keys.Alice)).Status);
        var account = await node.Account(alice);
        Assert.Equal((45_000 - SpecConfig.RegistrationFee).ToString(), (string)account["balance"]!);
        Assert.Equal("5000", (string)account["unbonding"]![0]!["amount"]!);
        Assert.Equal("agent:translator", (string)account["unbonding"]![0]!["source"]!);
        await Eventually.Holds(async () =>
            Assert.Empty((JArray)(await node.Get("/v1/agents?status=pending")).Body["agents"]!));
    }

    [Fact]
    public async Task The_schema_endpoint_gives_wallets_the_domain_and_every_type()
    {
        await using var node = await TestNode.Start(_dir.Path);
        var schema = (await node.Get("/v1/schema")).Body;
        Assert.Equal(("PoT", "1", "31337"), ((string)schema["domain"]!["name"]!, (string)schema["domain"]!["version"]!, (string)schema["domain"]!["chainId"]!));
        Assert.Equal(CommandCatalog.Pot.TypeNames.Order(), ((JArray)schema["commands"]!).Select(c => (string)c!));
        Assert.NotNull(schema["types"]!["RegisterAgent"]);
    }

    [Fact]
    public async Task The_relay_stores_how_far_it_delivered()
    {
        await using (var node = await TestNode.Start(_dir.Path, TestNode.Genesis((Keys.Alice, 1_000))))
        {
            Assert.Equal(200, (await node.Send(new Transfer(Keys.Alice.Address, Keys.Bob.Address, 10, 0), Keys.Alice)).Status);
            await Eventually.Holds(async () => Assert.Equal(10u, (ulong)await node.Balance(Keys.Bob.Address)));
            var lastOutbox = JournalReader.Rows(node.Settings.SqliteFile!).Where(r => r.Tags.Contains(";outbox;")).Max(r => r.Ordering);
            await Eventually.Holds(() =>
            {
                Assert.Equal(lastOutbox, StoredRelayOffset(node.Settings.SqliteFile!));
                return Task.CompletedTask;
            });
        }
    }

    private static long StoredRelayOffset(string sqliteFile)
    {
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={sqliteFile}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT payload FROM snapshot WHERE persistence_id = 'outbox-relay-offset'";
        var payload = command.ExecuteScalar() as byte[];
        return payload is null ? -1 : (long)JObject.Parse(System.Text.Encoding.UTF8.GetString(payload))["offset"]!;
    }

    public void Dispose() => _dir.Dispose();
}
