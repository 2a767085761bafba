using Microsoft.Extensions.Time.Testing;
using Newtonsoft.Json.Linq;
using PoT.Consensus;
using PoT.Ledger;
using PoT.Protocol;
using PoT.Registry;
using PoT.Specs.Support;
using Xunit;

namespace PoT.Specs.Node;

/// <summary>
/// Validation rounds on a running node over HTTP, with a fake clock: a whole round, and a node restarted in each
/// phase (commit, reveal, and with the reveal deadline passing while it is down) that finishes the round correctly.
/// </summary>
public sealed class ConsensusNodeSpecs : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 26, 0, 0, 0, TimeSpan.Zero));
    private static readonly EthKey Provider = EthKey.FromSeed("node-provider");
    private static readonly EthKey[] Validators = [.. Enumerable.Range(0, 4).Select(i => EthKey.FromSeed($"node-validator-{i}"))];
    private const string Config = "pot.consensus { committee-size = 4, min-committee-size = 3, min-validator-stake = \"1000\" }";
    private readonly Dictionary<Address, HexBytes> _salts = new();

    private Task<TestNode> Start(bool withGenesis = false) => TestNode.Start(_dir.Path,
        withGenesis ? TestNode.Genesis([(Provider, 1_000_000UL), .. Validators.Select(v => (v, 1_000_000UL))]) : null, Config, _clock);

    /// <summary>Stakes the validators, registers "agent-1" and submits its proof; returns the round id.</summary>
    private async Task<string> OpenRound(TestNode node)
    {
        foreach (var v in Validators) Assert.Equal(200, (await node.Send(new StakeAsValidator(v.Address, 5_000, 0), v)).Status);
        await Eventually.Holds(async () =>
            Assert.Equal(4, ((JObject)(await node.Get("/v1/validators")).Body["validators"]!).Count));
        Assert.Equal(200, (await node.Send(new RegisterAgent(Provider.Address, "agent-1", ["qa"], "http", "https://agent.example", "", 10, 1000, 9900,
            2_000, 0), Provider)).Status);
        var (status, body) = await node.Send(new SubmitTrainingProof(Provider.Address, "agent-1", "opaque", HexBytes.From(Keccak.Hash([1])),
            "ipfs://proof", 1), Provider);
        Assert.Equal(200, status);
        Assert.Equal(5, ((JArray)body["events"]!).Count); // the intent, the spent nonce, the bond, the round requested, the round started
        return (string)(await node.Get("/v1/agents/agent-1")).Body["activeRound"]!;
    }

    private async Task Commit(TestNode node, string round, EthKey v, Verdict verdict = Verdict.Approve, uint score = 900_000)
    {
        var salt = _salts[v.Address] = HexBytes.From(Keccak.Hash(v.Address.ToBytes()));
        var (status, body) = await node.Send(new CommitVote(v.Address, round, VoteCommitment.Of(verdict, score, salt, v.Address)), v);
        Assert.True(status == 200, body.ToString());
    }

    private async Task Reveal(TestNode node, string round, EthKey v, Verdict verdict = Verdict.Approve, uint score = 900_000)
    {
        var (status, body) = await node.Send(new RevealVote(v.Address, round, (byte)verdict, score, _salts[v.Address]), v);
        Assert.True(status == 200, body.ToString());
    }

    private static async Task<string> AgentStatus(TestNode node) => (string)(await node.Get("/v1/agents/agent-1")).Body["status"]!;

    [Fact]
    public async Task A_round_over_http_lists_the_agent_returns_the_bond_and_explains_itself()
    {
        await using var node = await Start(withGenesis: true);
        var round = await OpenRound(node);
        Assert.Equal($"agent-1.1@{node.Settings.Network.Tag}", round);
        Assert.Equal(round, (string)(await node.Get("/v1/rounds/agent-1.1")).Body["roundId"]!); // a client may leave the tag out
        var opened = (await node.Get($"/v1/rounds/{round}")).Body;
        Assert.Equal(("commit", 4), ((string)opened["phase"]!, ((JArray)opened["votes"]!).Count));

        foreach (var v in Validators) await Commit(node, round, v, score: v == Validators[3] ? 700_000u : 900_000u);
        Assert.Equal("reveal", (string)(await node.Get($"/v1/rounds/{round}")).Body["phase"]!);
        foreach (var v in Validators) await Reveal(node, round, v, score: v == Validators[3] ? 700_000u : 900_000u);

        var view = (await node.Get($"/v1/rounds/{round}")).Body;
        Assert.Equal(("finalized", "approved", 900_000u), ((string)view["phase"]!, (string)view["verdict"]!, (uint)view["consensusScore"]!));
        var results = (JArray)view["results"]!;
        Assert.Equal(4, results.Count);
        var outlier = results.Single(r => (string)r["validator"]! == Validators[3].Address.Value);
        Assert.Equal(800_000u, (uint)outlier["agreement"]!);
        // Every approve voter is a winner, by stake × agreement: the outlier's weight is below the others'.
        var winners = ((JArray)view["winners"]!).ToDictionary(w => (string)w["to"]!, w => (ulong)w["weight"]!);
        Assert.Equal(4, winners.Count);
        Assert.True(winners[Validators[3].Address.Value] < winners[Validators[0].Address.Value]);
        await Eventually.Holds(async () => Assert.Equal("listed", await AgentStatus(node)));
        // The round mints nothing: the provider paid the stake and the registration fee, and got its bond back.
        await Eventually.Holds(async () => Assert.Equal(1_000_000u - 2_000 - SpecConfig.RegistrationFee, (ulong)await node.Balance(Provider.Address)));
        var validators = (JObject)(await node.Get("/v1/validators")).Body["validators"]!;
        Assert.All(Validators, v => Assert.Equal(1, (int)validators[v.Address.Value]!["roundsRevealed"]!));
    }

    [Fact]
    public async Task A_restart_during_the_commit_phase_keeps_the_commits_and_the_round_finishes()
    {
        string round;
        await using (var node = await Start(withGenesis: true))
        {
            round = await OpenRound(node);
            await Commit(node, round, Validators[0]);
            await Commit(node, round, Validators[1]);
        }
        await using var again = await Start();
        Assert.Equal("commit", (string)(await again.Get($"/v1/rounds/{round}")).Body["phase"]!);
        await Commit(again, round, Validators[2]);
        await Commit(again, round, Validators[3]);
        foreach (var v in Validators) await Reveal(again, round, v);
        await Eventually.Holds(async () => Assert.Equal("listed", await AgentStatus(again)));
    }

    [Fact]
    public async Task A_restart_during_the_reveal_phase_keeps_the_reveals_and_the_round_finishes()
    {
        string round;
        await using (var node = await Start(withGenesis: true))
        {
            round = await OpenRound(node);
            foreach (var v in Validators) await Commit(node, round, v, Verdict.Reject, 100_000);
            await Reveal(node, round, Validators[0], Verdict.Reject, 100_000);
        }
        await using var again = await Start();
        // The salts of the first node are gone with it: reveals must match what was committed before the restart.
        foreach (var v in Validators.Skip(1)) await Reveal(again, round, v, Verdict.Reject, 100_000);
        await Eventually.Holds(async () => Assert.Equal("rejected", await AgentStatus(again)));
        await Eventually.Holds(async () => Assert.Equal("1000", (string)(await again.Account(Provider.Address))["agentStakes"]!["agent-1"]!));
    }

    [Fact]
    public async Task A_reveal_deadline_that_passes_while_the_node_is_down_finalizes_the_round_at_the_next_start()
    {
        string round;
        await using (var node = await Start(withGenesis: true))
        {
            round = await OpenRound(node);
            foreach (var v in Validators) await Commit(node, round, v);
            await Reveal(node, round, Validators[0]);
            await Reveal(node, round, Validators[1]);
        }
        _clock.Advance(TimeSpan.FromMinutes(21));
        await using var again = await Start();
        // Nobody asks the round anything: it is remembered by sharding, restarts, finds its deadline past, and decides.
        await Eventually.Holds(async () => Assert.Equal("pending", await AgentStatus(again)));
        var view = (await again.Get($"/v1/rounds/{round}")).Body;
        Assert.Equal(("finalized", "noQuorum"), ((string)view["phase"]!, (string)view["verdict"]!));
        var validators = (JObject)(await again.Get("/v1/validators")).Body["validators"]!;
        Assert.Equal(1, (int)validators[Validators[3].Address.Value]!["consecutiveMisses"]!);
    }

    [Fact]
    public async Task The_deadline_timer_finalizes_an_open_round_when_time_comes()
    {
        await using var node = await Start(withGenesis: true);
        var round = await OpenRound(node);
        foreach (var v in Validators.Take(3)) await Commit(node, round, v);
        _clock.Advance(TimeSpan.FromMinutes(10));
        foreach (var v in Validators.Take(3)) await Reveal(node, round, v);
        _clock.Advance(TimeSpan.FromMinutes(10));
        await Eventually.Holds(async () => Assert.Equal("listed", await AgentStatus(node)));
        Assert.Equal("approved", (string)(await node.Get($"/v1/rounds/{round}")).Body["verdict"]!);
    }

    [Fact]
    public async Task A_second_different_commit_over_http_is_recorded_as_equivocation_slashed_and_ejected()
    {
        await using var node = await Start(withGenesis: true);
        var round = await OpenRound(node);
        await Commit(node, round, Validators[0]);
        var (status, body) = await node.Send(new CommitVote(Validators[0].Address, round, HexBytes.From(Keccak.Hash([42]))), Validators[0]);
        Assert.Equal((409, ErrorCodes.ValidatorEquivocated), (status, (string?)body["error"]!["code"]));
        await Eventually.Holds(async () =>
        {
            var validators = (JObject)(await node.Get("/v1/validators")).Body["validators"]!;
            Assert.True((bool)validators[Validators[0].Address.Value]!["ejected"]!);
            Assert.Equal("2500", (string)validators[Validators[0].Address.Value]!["stake"]!);
        });
        Assert.Equal("2500", (string)(await node.Account(Validators[0].Address))["validatorStake"]!);
        Assert.Contains(Validators[0].Address.Value, ((JArray)(await node.Get($"/v1/rounds/{round}")).Body["equivocators"]!).Select(e => (string)e!));
    }

    [Fact]
    public async Task Votes_for_unknown_rounds_or_from_outsiders_get_clear_codes()
    {
        await using var node = await Start(withGenesis: true);
        var round = await OpenRound(node);
        var outsider = EthKey.FromSeed("outsider");
        Assert.Equal((409, ErrorCodes.NotCommitteeMember), await Code(node.Send(new CommitVote(outsider.Address, round, HexBytes.From(Keccak.Hash([1]))), outsider)));
        Assert.Equal((404, ErrorCodes.UnknownRound), await Code(node.Send(new CommitVote(Validators[0].Address, $"agent-1.5@{node.Settings.Network.Tag}",
            HexBytes.From(Keccak.Hash([1]))), Validators[0])));
        // A signed vote names its round in full: the network's tag is part of what the validator signs.
        Assert.Equal((400, ErrorCodes.InvalidField), await Code(node.Send(new CommitVote(Validators[0].Address, "agent-1.1", HexBytes.From(Keccak.Hash([1]))), Validators[0])));
        Assert.Equal((400, ErrorCodes.InvalidField), await Code(node.Send(new CommitVote(Validators[0].Address, "no dots", HexBytes.From(Keccak.Hash([1]))), Validators[0])));
        Assert.Equal((404, ErrorCodes.UnknownRound), await Code(node.Get("/v1/rounds/agent-1.9")));

        static async Task<(int, string?)> Code(Task<(int Status, JObject Body)> call)
        {
            var (status, body) = await call;
            return (status, (string?)body["error"]?["code"]);
        }
    }

    public void Dispose() => _dir.Dispose();
}
