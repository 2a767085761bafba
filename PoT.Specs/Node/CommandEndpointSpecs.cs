using System.Numerics;
using Newtonsoft.Json.Linq;
using PoT.Ledger;
using PoT.Protocol;
using PoT.Registry;
using PoT.Specs.Support;
using Xunit;

namespace PoT.Specs.Node;

/// <summary>A running node shared by the bad-input specs (each spec uses its own accounts or checks the journal).</summary>
public sealed class BadInputNode : IAsyncLifetime
{
    private readonly TempDir _dir = new();

    public TestNode Node { get; private set; } = null!;

    public string DbFile => Node.Settings.SqliteFile!;

    public async Task InitializeAsync() => Node = await TestNode.Start(_dir.Path,
        TestNode.Genesis((Keys.Alice, 1_000_000), (Keys.Bob, 1_000), (Keys.Carol, 50_000)),
        "pot.ledger.receipt-window = 2\npot.node.http.max-body-bytes = 4096");

    public async Task DisposeAsync()
    {
        await Node.DisposeAsync();
        _dir.Dispose();
    }
}

/// <summary>
/// Every kind of bad input, through the real HTTP endpoint: each gets its stable error code and status, writes no
/// event, and leaves the node serving.
/// </summary>
public sealed class CommandEndpointSpecs(BadInputNode fixture) : IClassFixture<BadInputNode>
{
    private TestNode Node => fixture.Node;

    private async Task Refused(int status, string code, Func<Task<(int Status, JObject Body)>> send)
    {
        var rowsBefore = JournalReader.Count(fixture.DbFile);
        var (actualStatus, body) = await send();
        Assert.Equal(code, (string?)body["error"]?["code"]);
        Assert.Equal(status, actualStatus);
        Assert.False(string.IsNullOrWhiteSpace((string?)body["error"]?["message"]));
        Assert.Equal(rowsBefore, JournalReader.Count(fixture.DbFile));
        var (healthStatus, _) = await Node.Get("/health");
        Assert.Equal(200, healthStatus);
    }

    private JObject Wire(ISignedCommand command, EthKey key) => CommandVerifier.WireEnvelope(Node.Sign(command, key).Envelope);

    [Fact]
    public Task Malformed_json_is_refused() => Refused(400, ErrorCodes.MalformedJson, () => Node.PostRaw("{\"type\": \"Transfer\", "));

    [Fact]
    public Task A_body_that_is_not_an_object_is_refused() => Refused(400, ErrorCodes.MalformedJson, () => Node.PostRaw("[1,2,3]"));

    [Fact]
    public Task Duplicate_json_keys_are_refused() =>
        Refused(400, ErrorCodes.MalformedJson, () => Node.PostRaw("""{"type":"Withdraw","type":"Transfer","message":{},"signature":"0x"}"""));

    [Fact]
    public Task An_oversized_body_is_refused() =>
        Refused(413, ErrorCodes.PayloadTooLarge, () => Node.PostRaw($"{{\"pad\":\"{new string('x', 5_000)}\"}}"));

    [Fact]
    public Task An_unknown_command_type_is_refused() => Refused(400, ErrorCodes.UnknownCommandType, () =>
    {
        var wire = Wire(new Withdraw(Keys.Alice.Address, 0), Keys.Alice);
        wire["type"] = "MintForFree";
        return Node.Send(wire);
    });

    [Fact]
    public Task A_missing_field_is_refused() => Refused(400, ErrorCodes.MissingField, () =>
    {
        var wire = Wire(new Transfer(Keys.Alice.Address, Keys.Bob.Address, 5, 0), Keys.Alice);
        ((JObject)wire["message"]!).Remove("to");
        return Node.Send(wire);
    });

    [Fact]
    public Task A_garbled_signature_is_refused() => Refused(401, ErrorCodes.InvalidSignature, () =>
    {
        var wire = Wire(new Transfer(Keys.Alice.Address, Keys.Bob.Address, 5, 0), Keys.Alice);
        wire["signature"] = "0x" + new string('0', 130);
        return Node.Send(wire);
    });

    [Fact]
    public Task A_signature_by_another_key_is_refused() =>
        Refused(401, ErrorCodes.WrongSigner, () => Node.Send(Wire(new Transfer(Keys.Alice.Address, Keys.Mallory.Address, 5, 0), Keys.Mallory)));

    [Fact]
    public async Task A_stale_or_reused_nonce_is_refused()
    {
        var carol = Keys.Carol.Address;
        var next = await Node.NextNonce(carol);
        var bobBefore = await Node.Balance(Keys.Bob.Address);
        for (var i = 0UL; i < 3; i++)
            Assert.Equal(200, (await Node.Send(new Transfer(carol, Keys.Bob.Address, 1, next + i), Keys.Carol)).Status);
        // Let the relay's credits land first: the checks below count journal rows.
        await Eventually.Holds(async () => Assert.Equal(bobBefore + 3, await Node.Balance(Keys.Bob.Address)));
        await Refused(409, ErrorCodes.NonceAlreadyUsed, () => Node.Send(new Transfer(carol, Keys.Bob.Address, 2, next + 2), Keys.Carol));
        // Older than the receipts kept (pot.ledger.receipt-window = 2 here).
        await Refused(409, ErrorCodes.StaleNonce, () => Node.Send(new Transfer(carol, Keys.Bob.Address, 2, next), Keys.Carol));
    }

    [Fact]
    public async Task A_future_nonce_is_refused()
    {
        var next = await Node.NextNonce(Keys.Alice.Address);
        await Refused(409, ErrorCodes.FutureNonce, () => Node.Send(new Transfer(Keys.Alice.Address, Keys.Bob.Address, 1, next + 1), Keys.Alice));
    }

    [Fact]
    public Task A_zero_amount_is_refused() =>
        Refused(422, ErrorCodes.InvalidAmount, () => Node.Send(new Transfer(Keys.Bob.Address, Keys.Alice.Address, 0, 0), Keys.Bob));

    [Fact]
    public Task A_negative_amount_is_refused() => Refused(400, ErrorCodes.InvalidField, () =>
    {
        var wire = Wire(new Transfer(Keys.Bob.Address, Keys.Alice.Address, 1, 0), Keys.Bob);
        wire["message"]!["amount"] = "-5";
        return Node.Send(wire);
    });

    [Fact]
    public Task An_overflowing_amount_is_refused() => Refused(422, ErrorCodes.AmountOverflow, () =>
    {
        var wire = Wire(new Transfer(Keys.Bob.Address, Keys.Alice.Address, 1, 0), Keys.Bob);
        wire["message"]!["amount"] = (BigInteger.One << 200).ToString();
        return Node.Send(wire);
    });

    [Fact]
    public async Task An_amount_beyond_the_balance_is_refused()
    {
        var next = await Node.NextNonce(Keys.Bob.Address);
        await Refused(422, ErrorCodes.InsufficientFunds, () => Node.Send(new Transfer(Keys.Bob.Address, Keys.Alice.Address, 1_000_001, next), Keys.Bob));
    }

    [Fact]
    public async Task Unstaking_more_than_is_staked_is_refused()
    {
        var next = await Node.NextNonce(Keys.Bob.Address);
        await Refused(422, ErrorCodes.InsufficientStake, () => Node.Send(new Unstake(Keys.Bob.Address, 1, next), Keys.Bob));
    }

    [Fact]
    public Task An_unknown_account_cannot_act() =>
        Refused(404, ErrorCodes.UnknownAccount, () => Node.Send(new Transfer(Keys.Mallory.Address, Keys.Alice.Address, 1, 0), Keys.Mallory));

    [Fact]
    public async Task Commands_for_an_unknown_agent_are_refused()
    {
        var next = await Node.NextNonce(Keys.Alice.Address);
        await Refused(404, ErrorCodes.UnknownAgent, () => Node.Send(new DeregisterAgent(Keys.Alice.Address, "ghost-agent", next), Keys.Alice));
        await Refused(404, ErrorCodes.UnknownAgent, () => Node.Send(new StakeForAgent(Keys.Alice.Address, "ghost-agent", 5, next), Keys.Alice));
    }

    [Fact]
    public async Task A_duplicate_agent_id_is_refused()
    {
        var next = await Node.NextNonce(Keys.Alice.Address);
        var (status, body) = await Node.Send(Register(Keys.Alice.Address, "dup-agent", next), Keys.Alice);
        Assert.Equal(200, status);
        Assert.Equal(4, ((JArray)body["events"]!).Count); // the intent, the stake locked, the fee burned, the agent registered
        await Refused(409, ErrorCodes.AgentExists, () => Node.Send(Register(Keys.Alice.Address, "dup-agent", next + 1), Keys.Alice));
        await Refused(409, ErrorCodes.AgentExists, () => Node.Send(Register(Keys.Carol.Address, "dup-agent", 0), Keys.Carol));
    }

    [Fact]
    public async Task A_registration_the_provider_cannot_fund_is_refused()
    {
        var next = await Node.NextNonce(Keys.Bob.Address);
        await Refused(422, ErrorCodes.InsufficientFunds, () => Node.Send(Register(Keys.Bob.Address, "too-poor", next, stake: 5_000), Keys.Bob));
    }

    [Fact]
    public async Task Withdrawing_before_the_unbonding_period_ends_is_refused()
    {
        var alice = Keys.Alice.Address;
        var next = await Node.NextNonce(alice);
        var setVersion = (long)(await Node.Get("/v1/validators")).Body["version"]!;
        Assert.Equal(200, (await Node.Send(new StakeAsValidator(alice, 100, next), Keys.Alice)).Status);
        Assert.Equal(200, (await Node.Send(new Unstake(alice, 100, next + 1), Keys.Alice)).Status);
        // Both stake changes reach the validator set through the relay (two more journal rows): let them land first,
        // here and not during a later spec's row count.
        await Eventually.Holds(async () => Assert.Equal(setVersion + 2, (long)(await Node.Get("/v1/validators")).Body["version"]!));
        await Refused(422, ErrorCodes.UnbondingNotMatured, () => Node.Send(new Withdraw(alice, next + 2), Keys.Alice));
    }

    [Fact]
    public Task An_unknown_route_is_a_json_404() => Refused(404, ErrorCodes.NotFound, () => Node.PostRaw("{}", "/v1/nothing-here"));

    [Fact]
    public async Task Reads_of_bad_or_unknown_ids_get_clear_codes()
    {
        Assert.Equal((400, ErrorCodes.InvalidField), await Code("/v1/accounts/0x1234"));
        Assert.Equal((404, ErrorCodes.UnknownAccount), await Code($"/v1/accounts/{Keys.Mallory.Address}"));
        Assert.Equal((404, ErrorCodes.UnknownAgent), await Code("/v1/agents/never-registered"));
        Assert.Equal((400, ErrorCodes.InvalidField), await Code("/v1/agents/Not_An_Id"));
        Assert.Equal((400, ErrorCodes.InvalidField), await Code("/v1/agents?status=approved"));

        async Task<(int, string?)> Code(string path)
        {
            var (status, body) = await Node.Get(path);
            return (status, (string?)body["error"]?["code"]);
        }
    }

    private static RegisterAgent Register(Address provider, string id, ulong nonce, ulong stake = 2_000) =>
        new(provider, id, ["summarize"], "http", "https://agent.example/run", "", 10, 1000, 9900, stake, nonce);
}
