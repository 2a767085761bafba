using Newtonsoft.Json.Linq;
using PoT.Consensus;
using PoT.Ledger;
using PoT.Orchestration;
using PoT.Protocol;
using PoT.Registry;
using PoT.Specs.Support;
using Xunit;

namespace PoT.Specs.Orchestration;

/// <summary>
/// Paid tasks on a whole node: real HTTP agents on loopback, agents listed by three validators, the task signed by its
/// user, escrowed, routed, executed with retries and fallback, settled, and reflected in reputation.
/// </summary>
public sealed class TaskEndToEndSpecs : IDisposable
{
    private readonly TempDir _dir = new();
    internal static readonly EthKey Provider = EthKey.FromSeed("task-provider");
    internal static readonly EthKey[] Validators = [.. Enumerable.Range(0, 3).Select(i => EthKey.FromSeed($"task-validator-{i}"))];

    /// <summary>Three validators judge every round; one retry per call, fast; every call closes an SLA window.</summary>
    private const string Rules = """
        pot.consensus { committee-size = 3, min-committee-size = 3, min-validator-stake = "1000" }
        pot.adapters.http { max-retries = 1, base-delay = 20ms, max-delay = 50ms }
        pot.tasks.sla.window-calls = 1
        """;

    public void Dispose() => _dir.Dispose();

    private Task<TestNode> StartNode(TimeProvider? clock = null) =>
        TestNode.Start(_dir.Path, TestNode.Genesis([(Provider, 1_000_000UL), (Keys.Alice, 1_000_000UL), .. Validators.Select(v => (v, 100_000UL))]), Rules,
            clock);

    internal static void Expect((int Status, JObject Body) reply) => Assert.True(reply.Status == 200, reply.Body.ToString());

    /// <summary>Registers the agents and has the validators approve each (an opaque proof, votes by hand).</summary>
    internal static async Task List(TestNode node, params (string Id, string Url, ulong Price, uint Score)[] agents)
    {
        foreach (var v in Validators) Expect(await node.Send(new StakeAsValidator(v.Address, 5_000, 0), v));
        await Eventually.Holds(async () => Assert.Equal(3, ((JObject)(await node.Get("/v1/validators")).Body["validators"]!).Count));
        foreach (var (id, url, price, _) in agents)
            Expect(await node.Send(new RegisterAgent(Provider.Address, id, ["answer"], "http", url, "", price, 1000, 9000, 2_000,
                await node.NextNonce(Provider.Address)), Provider));
        foreach (var (id, _, _, score) in agents)
        {
            await Eventually.Holds(async () => Assert.Equal("pending", (string)(await node.Get($"/v1/agents/{id}")).Body["status"]!));
            Expect(await node.Send(new SubmitTrainingProof(Provider.Address, id, "opaque", HexBytes.From(Keccak.Hash([1])), "ipfs://card",
                await node.NextNonce(Provider.Address)), Provider));
            var round = (string)(await node.Get($"/v1/agents/{id}")).Body["activeRound"]!;
            HexBytes Salt(EthKey v) => HexBytes.From(Keccak.Hash(v.Address.ToBytes()));
            foreach (var v in Validators) Expect(await node.Send(new CommitVote(v.Address, round, VoteCommitment.Of(Verdict.Approve, score, Salt(v), v.Address)), v));
            foreach (var v in Validators) Expect(await node.Send(new RevealVote(v.Address, round, (byte)Verdict.Approve, score, Salt(v)), v));
            await Eventually.Holds(async () => Assert.Equal("listed", (string)(await node.Get($"/v1/agents/{id}")).Body["status"]!), TimeSpan.FromSeconds(20));
        }
    }

    /// <summary>Submits a one-step task ("answer") once the router offers the capability (the index follows the journal).</summary>
    internal static async Task<JObject> Submit(TestNode node, string taskId, ulong budget, DateTimeOffset? deadline = null)
    {
        JObject body = [];
        await Eventually.Holds(async () =>
        {
            var task = new SubmitTask(Keys.Alice.Address, taskId, "answer a question", "", ["answer"], "", "what is six times seven?", budget,
                (ulong)(deadline ?? DateTimeOffset.UtcNow.AddMinutes(10)).ToUnixTimeSeconds(), await node.NextNonce(Keys.Alice.Address));
            var (status, reply) = await node.PostRaw(CommandVerifier.WireEnvelope(node.Sign(task, Keys.Alice).Envelope).ToString(), "/v1/tasks");
            Assert.True(status == 200, reply.ToString());
            body = reply;
        });
        return body;
    }

    internal static async Task<JObject> Stopped(TestNode node, string taskId)
    {
        JObject task = [];
        await Eventually.Holds(async () =>
        {
            var (status, body) = await node.Get($"/v1/tasks/{taskId}");
            Assert.Equal(200, status);
            Assert.Equal("stopped", (string)body["phase"]!);
            task = body;
        }, TimeSpan.FromSeconds(30));
        return task;
    }

    [Fact]
    public async Task A_task_completes_on_the_fallback_the_user_pays_only_the_successful_call_and_reputation_shows_both()
    {
        await using var agents = await FakeAgentServer.Start();
        agents.On("/failing", Replies.Text(500, "internal error"));
        agents.On("/answering", Replies.Json(200, """{"output":"42"}"""));
        await using var node = await StartNode();
        // The failing agent is cheaper and better rated, so the router tries it first.
        await List(node, ("cheap-failing", agents.Url("/failing"), 10, 900_000), ("dependable", agents.Url("/answering"), 20, 600_000));
        var aliceBefore = await node.Balance(Keys.Alice.Address);

        await Submit(node, "six-times-seven", 100);
        var task = await Stopped(node, "six-times-seven");

        Assert.True((string)task["stopReason"]! == "completed", task.ToString());
        var calls = (JArray)task["steps"]![0]!["calls"]!;
        Assert.Equal(["cheap-failing", "dependable"], calls.Select(c => (string)c["agentId"]!));
        Assert.Equal(("failed", "agent-error", 2), ((string)calls[0]["status"]!, (string)calls[0]["code"]!, ((JArray)calls[0]["attempts"]!).Count));
        Assert.Equal("succeeded", (string)calls[1]["status"]!);
        Assert.Equal("42", (string)task["steps"]![0]!["output"]!);
        Assert.Equal(("20", "80"), ((string)task["spent"]!, (string)task["refunded"]!));
        Assert.Equal(2, agents.Requests("/failing").Count);
        Assert.Single(agents.Requests("/answering"));

        // The user paid the successful call only (20). The failing agent's SLA window breached (a 5xx is the agent's
        // fault), but compensation is capped by what the user paid that agent in the window: nothing, so nothing is
        // slashed (a user cannot farm compensation from calls it never paid for; docs/security.md, "Markets").
        await Eventually.Holds(async () =>
        {
            var bad = (await node.Get("/v1/reputation/agents/cheap-failing")).Body;
            var good = (await node.Get("/v1/reputation/agents/dependable")).Body;
            Assert.Equal((1, 0, 1, "0"), ((int)bad["calls"]!, (int)bad["successfulCalls"]!, (int)bad["slaBreaches"]!, (string)bad["slashed"]!));
            Assert.Equal((1, 1, 0, 1, 1_000_000L), ((int)good["calls"]!, (int)good["successfulCalls"]!, (int)good["slaBreaches"]!, (int)good["payers"]!,
                (long)good["effectivePayers"]!));
            Assert.True((uint)bad["score"]! < 900_000, "a breach lowers the score");
        }, TimeSpan.FromSeconds(20));
        await Eventually.Holds(async () => Assert.Equal(aliceBefore - 20, await node.Balance(Keys.Alice.Address)), TimeSpan.FromSeconds(20));

        // `pot task watch` tells the story and exits 0 for a completed task; `pot audit` re-checks every task event.
        var (watchExit, summary, progress) = await PotCli.Run("task", "watch", "six-times-seven", "--node", node.Http.BaseAddress!.ToString());
        Assert.True(watchExit == 0, progress);
        Assert.Equal("20", (string)JObject.Parse(summary)["spent"]!);
        Assert.Contains("cheap-failing", progress);
        var config = _dir.File("node.conf");
        await File.WriteAllTextAsync(config, Rules);
        var copy = _dir.File("audit.db");
        Assert.Equal(0, (await PotCli.Run("snapshot", "--db", node.Settings.SqliteFile!, "--out", copy)).ExitCode);
        var (auditExit, report, auditError) = await PotCli.Run("audit", "--db", copy, "--config", config, "--json");
        Assert.True(auditExit == 0, report + auditError);
    }

    [Fact]
    public async Task A_task_that_asks_for_a_capability_no_agent_offers_is_refused_before_anything_is_escrowed()
    {
        await using var node = await StartNode();
        var before = await node.Account(Keys.Alice.Address);
        var task = new SubmitTask(Keys.Alice.Address, "nobody-home", "", "", ["translate"], "", "hola", 100,
            (ulong)DateTimeOffset.UtcNow.AddMinutes(10).ToUnixTimeSeconds(), 0);

        var (status, body) = await node.PostRaw(CommandVerifier.WireEnvelope(node.Sign(task, Keys.Alice).Envelope).ToString(), "/v1/tasks");

        Assert.Equal(422, status);
        Assert.Equal(ErrorCodes.NoAgentForCapability, (string)body["error"]!["code"]!);
        Assert.Equal(before.ToString(), (await node.Account(Keys.Alice.Address)).ToString());
        Assert.Equal(404, (await node.Get("/v1/tasks/nobody-home")).Status);

        // The task door takes only tasks, and a malformed id is named as such; nothing is written either way.
        var rows = await Journal.MaxOrdering(node.Settings.SqliteFile!);
        var transfer = new PoT.Ledger.Transfer(Keys.Alice.Address, Keys.Bob.Address, 1, 0);
        var (wrongType, wrongBody) = await node.PostRaw(CommandVerifier.WireEnvelope(node.Sign(transfer, Keys.Alice).Envelope).ToString(), "/v1/tasks");
        Assert.Equal((400, ErrorCodes.UnknownCommandType), (wrongType, (string)wrongBody["error"]!["code"]!));
        var (badId, badBody) = await node.Get("/v1/tasks/Not_An_Id");
        Assert.Equal((400, ErrorCodes.InvalidField), (badId, (string)badBody["error"]!["code"]!));
        Assert.Equal(rows, await Journal.MaxOrdering(node.Settings.SqliteFile!));
    }

    [Fact]
    public async Task A_task_whose_agents_all_cost_more_than_its_budget_stops_with_budget_exhausted_and_a_full_refund()
    {
        await using var agents = await FakeAgentServer.Start();
        agents.On("/pricey", Replies.Json(200, """{"output":"never asked"}"""));
        await using var node = await StartNode();
        await List(node, ("pricey", agents.Url("/pricey"), 30, 800_000));
        var before = await node.Balance(Keys.Alice.Address);

        await Submit(node, "too-cheap", 20);
        var task = await Stopped(node, "too-cheap");

        Assert.Equal("budgetExhausted", (string)task["stopReason"]!);
        Assert.Contains("asks 30", (string)task["stopMessage"]!);
        Assert.Equal(("0", "20"), ((string)task["spent"]!, (string)task["refunded"]!));
        Assert.Empty(agents.Requests("/pricey"));
        await Eventually.Holds(async () => Assert.Equal(before, await node.Balance(Keys.Alice.Address)));
    }

    [Fact]
    public async Task A_task_past_its_deadline_stops_with_deadline_exceeded_and_its_late_answer_is_never_paid()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var agents = await FakeAgentServer.Start();
        agents.On("/slow", Replies.After(TimeSpan.FromSeconds(1), Replies.Json(200, """{"output":"too late"}""")));
        await using var node = await StartNode(clock);
        await List(node, ("slow", agents.Url("/slow"), 30, 800_000));
        var before = await node.Balance(Keys.Alice.Address);

        await Submit(node, "in-a-hurry", 100, clock.GetUtcNow().AddMinutes(1));
        await agents.WaitUntil(() => agents.RequestCount > 0, "the call");
        clock.Advance(TimeSpan.FromMinutes(2));
        var task = await Stopped(node, "in-a-hurry");

        Assert.Equal("deadlineExceeded", (string)task["stopReason"]!);
        Assert.Equal(("0", "100", "0"), ((string)task["spent"]!, (string)task["refunded"]!, (string)task["held"]!));
        await Eventually.Holds(async () => Assert.Equal(before, await node.Balance(Keys.Alice.Address)));
    }

    [Fact]
    public async Task A_node_restarted_mid_call_resumes_the_task_pays_once_and_leaks_no_escrow()
    {
        await using var agents = await FakeAgentServer.Start();
        agents.On("/slow", Replies.After(TimeSpan.FromSeconds(1), Replies.Json(200, """{"output":"done"}""")));
        UInt128 aliceBefore;
        await using (var node = await StartNode())
        {
            await List(node, ("slow-agent", agents.Url("/slow"), 30, 800_000));
            aliceBefore = await node.Balance(Keys.Alice.Address);
            await Submit(node, "survives-restart", 100);
            await agents.WaitUntil(() => agents.RequestCount > 0, "the first call");
        }

        await using var restarted = await TestNode.Start(_dir.Path, null, Rules);
        // Nobody asks for the task: remembered by sharding, it comes back by itself and calls the agent again.
        await agents.WaitUntil(() => agents.RequestCount >= 2, "the call after the restart", TimeSpan.FromSeconds(30));
        var task = await Stopped(restarted, "survives-restart");

        Assert.True((string)task["stopReason"]! == "completed", task.ToString());
        var calls = (JArray)task["steps"]![0]!["calls"]!;
        Assert.Equal(StepCallFailed.Interrupted, (string)calls[0]["code"]!);
        Assert.Equal("succeeded", (string)calls[calls.Count - 1]["status"]!);
        Assert.Equal(("30", "70", "0"), ((string)task["spent"]!, (string)task["refunded"]!, (string)task["held"]!));
        await Eventually.Holds(async () => Assert.Equal(aliceBefore - 30, await restarted.Balance(Keys.Alice.Address)), TimeSpan.FromSeconds(20));
    }
}
