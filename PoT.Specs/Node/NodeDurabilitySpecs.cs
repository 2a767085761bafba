using Akka.Actor;
using Akka.Cluster.Sharding;
using Microsoft.Extensions.Time.Testing;
using Newtonsoft.Json.Linq;
using PoT.Hosting;
using PoT.Ledger;
using PoT.Protocol;
using PoT.Registry;
using PoT.Specs.Support;
using Xunit;

namespace PoT.Specs.Node;

/// <summary>
/// A node restarted over the same SQLite file comes back with exactly what it acknowledged, and the cross-entity
/// steps of agent commands finish after a crash at any point between the two entities.
/// </summary>
public sealed class NodeDurabilitySpecs : IDisposable
{
    private readonly TempDir _dir = new();
    private static readonly GenesisSpec Genesis = TestNode.Genesis((Keys.Alice, 100_000), (Keys.Bob, 10_000));
    private const string RelayOff = "pot.outbox.enabled = off\npot.node.ask-timeout = 1s";

    private static RegisterAgent Register(string id, ulong nonce, ulong stake = 3_000) =>
        new(Keys.Alice.Address, id, ["summarize", "qa"], "http", "https://agent.example/run", """{"model":"tiny"}""", 40, 900, 9950, stake, nonce);

    /// <summary>Mints the genesis (through the relay), then stops: the data directory is ready for a relay-less node.</summary>
    private async Task Minted()
    {
        await using (await TestNode.Start(_dir.Path, Genesis)) { }
    }

    [Fact]
    public async Task A_second_node_over_the_same_file_recovers_balances_stakes_nonces_and_agents()
    {
        string[] paths = [$"/v1/accounts/{Keys.Alice.Address}", $"/v1/accounts/{Keys.Bob.Address}", "/v1/agents/agent-1", "/v1/agents/agent-2"];
        var before = new List<string>();
        await using (var node = await TestNode.Start(_dir.Path, Genesis))
        {
            var alice = Keys.Alice.Address;
            Assert.Equal(200, (await node.Send(new Transfer(alice, Keys.Bob.Address, 1_234, 0), Keys.Alice)).Status);
            Assert.Equal(200, (await node.Send(new StakeAsValidator(alice, 20_000, 1), Keys.Alice)).Status);
            Assert.Equal(200, (await node.Send(new Unstake(alice, 5_000, 2), Keys.Alice)).Status);
            Assert.Equal(200, (await node.Send(Register("agent-1", 3), Keys.Alice)).Status);
            Assert.Equal(200, (await node.Send(Register("agent-2", 4), Keys.Alice)).Status);
            Assert.Equal(200, (await node.Send(new StakeForAgent(alice, "agent-1", 700, 5), Keys.Alice)).Status);
            Assert.Equal(200, (await node.Send(new DeregisterAgent(alice, "agent-2", 6), Keys.Alice)).Status);
            Assert.Equal(200, (await node.Send(new Transfer(Keys.Bob.Address, alice, 34, 0), Keys.Bob)).Status);
            await Eventually.Holds(async () => Assert.Equal(11_234u - 34u, (ulong)await node.Balance(Keys.Bob.Address)));
            await Eventually.Holds(async () => Assert.Equal(100_000u - 1_234 - 20_000 - 3_000 - 3_000 - 2 * SpecConfig.RegistrationFee - 700 + 34,
                (ulong)await node.Balance(alice)));
            foreach (var path in paths) before.Add((await node.Get(path)).Body.ToString());
        }

        await using (var again = await TestNode.Start(_dir.Path))
        {
            for (var i = 0; i < paths.Length; i++) Assert.Equal(before[i], (await again.Get(paths[i])).Body.ToString());
            var alice = await again.Account(Keys.Alice.Address);
            Assert.Equal(7ul, (ulong)alice["nextNonce"]!);
            Assert.Equal("3700", (string)alice["agentStakes"]!["agent-1"]!);
            Assert.Equal(2, ((JArray)alice["unbonding"]!).Count);
            Assert.Equal("deregistered", (string)(await again.Get("/v1/agents/agent-2")).Body["status"]!);
            // The recovered node keeps serving: the next nonce is 7, not 0.
            Assert.Equal(200, (await again.Send(new Transfer(Keys.Alice.Address, Keys.Bob.Address, 1, 7), Keys.Alice)).Status);
        }
    }

    [Fact]
    public async Task A_crash_after_the_agents_intent_is_completed_by_the_next_node()
    {
        var register = Register("agent-x", 0);
        await Minted();
        await using (var node = await TestNode.Start(_dir.Path, extraHocon: RelayOff))
        {
            var (status, body) = await node.Send(register, Keys.Alice);
            Assert.Equal((503, ErrorCodes.Timeout), (status, (string?)body["error"]!["code"]));
        }
        var rows = JournalReader.Rows(_dir.File("pot.db"));
        Assert.Contains(rows, r => r.Manifest == "agent-registration-requested.v1");
        Assert.DoesNotContain(rows, r => r.Manifest == "agent-stake-locked.v1");

        await using var next = await TestNode.Start(_dir.Path);
        await Eventually.Holds(async () => Assert.Equal("pending", (string?)(await next.Get("/v1/agents/agent-x")).Body["status"]));
        Assert.Equal(97_000u - SpecConfig.RegistrationFee, (ulong)await next.Balance(Keys.Alice.Address));
        // The client that timed out resends the identical envelope and learns the result of the first execution.
        var (retryStatus, retry) = await next.Send(register, Keys.Alice);
        Assert.Equal(200, retryStatus);
        Assert.True((bool)retry["replayed"]!);
        Assert.Equal(4, ((JArray)retry["events"]!).Count);
    }

    [Fact]
    public async Task A_crash_after_the_accounts_step_locks_the_stake_once_and_lists_the_agent()
    {
        var register = Register("agent-y", 0);
        await Minted();
        await using (var node = await TestNode.Start(_dir.Path, extraHocon: RelayOff))
        {
            var signed = node.Sign(register, Keys.Alice);
            Assert.Equal(503, (await node.Send(CommandVerifier.WireEnvelope(signed.Envelope))).Status);
            // Do the relay's first half by hand, then "crash" before the agent hears of it.
            var accounts = node.Actors.Get<AccountRegion>();
            var step = await accounts.Ask<AccountStepResult>(new ShardingEnvelope(Keys.Alice.Address.Value, new ApplyAgentStep(signed.Envelope)));
            Assert.True(step.Succeeded);
        }
        Assert.Single(JournalReader.Rows(_dir.File("pot.db")), r => r.Manifest == "agent-stake-locked.v1");

        await using var next = await TestNode.Start(_dir.Path);
        await Eventually.Holds(async () => Assert.Equal("pending", (string?)(await next.Get("/v1/agents/agent-y")).Body["status"]));
        Assert.Equal(97_000u - SpecConfig.RegistrationFee, (ulong)await next.Balance(Keys.Alice.Address));
        Assert.Single(JournalReader.Rows(_dir.File("pot.db")), r => r.Manifest == "agent-stake-locked.v1");
    }

    [Fact]
    public async Task A_transfer_debited_before_a_crash_is_credited_by_the_next_node()
    {
        await Minted();
        await using (var node = await TestNode.Start(_dir.Path, extraHocon: RelayOff))
            Assert.Equal(200, (await node.Send(new Transfer(Keys.Alice.Address, Keys.Bob.Address, 500, 0), Keys.Alice)).Status);
        await using var next = await TestNode.Start(_dir.Path);
        await Eventually.Holds(async () => Assert.Equal(10_500u, (ulong)await next.Balance(Keys.Bob.Address)));
        Assert.Equal(99_500u, (ulong)await next.Balance(Keys.Alice.Address));
    }

    [Fact]
    public async Task The_unbonding_period_survives_a_restart()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 0, 0, 0, TimeSpan.Zero));
        await using (var node = await TestNode.Start(_dir.Path, Genesis, "pot.ledger.unbonding-period = 2d", clock))
        {
            Assert.Equal(200, (await node.Send(new StakeAsValidator(Keys.Alice.Address, 1_000, 0), Keys.Alice)).Status);
            Assert.Equal(200, (await node.Send(new Unstake(Keys.Alice.Address, 1_000, 1), Keys.Alice)).Status);
        }
        clock.Advance(TimeSpan.FromDays(2) - TimeSpan.FromSeconds(1));
        await using (var node = await TestNode.Start(_dir.Path, extraHocon: "pot.ledger.unbonding-period = 2d", clock: clock))
        {
            var (status, body) = await node.Send(new Withdraw(Keys.Alice.Address, 2), Keys.Alice);
            Assert.Equal((422, ErrorCodes.UnbondingNotMatured), (status, (string?)body["error"]!["code"]));
            clock.Advance(TimeSpan.FromSeconds(1));
            Assert.Equal(200, (await node.Send(new Withdraw(Keys.Alice.Address, 2), Keys.Alice)).Status);
            Assert.Equal(100_000u, (ulong)await node.Balance(Keys.Alice.Address));
        }
    }

    [Fact]
    public async Task A_different_genesis_file_is_refused_at_start()
    {
        await using (await TestNode.Start(_dir.Path, Genesis)) { }
        var other = TestNode.Genesis((Keys.Mallory, 1_000_000_000));
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => TestNode.Start(_dir.Path, other));
        Assert.Contains("genesis-mismatch", e.Message);
    }

    public void Dispose() => _dir.Dispose();
}
