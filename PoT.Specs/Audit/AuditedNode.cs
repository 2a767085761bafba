using System.Collections.Immutable;
using Microsoft.Extensions.Time.Testing;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using PoT.Consensus;
using PoT.Ledger;
using PoT.Persistence;
using PoT.Proofs;
using PoT.Protocol;
using PoT.Registry;
using PoT.Specs.Support;
using Xunit;

namespace PoT.Specs.Audit;

/// <summary>
/// A node's database with a bit of everything, built once for the audit specs: genesis, transfers, validator and
/// agent stakes, an unstake, two agents judged by four validator duties (one honest proof approved, one forged proof
/// rejected and slashed), an equivocation reported and slashed. The node is stopped when the fixture is ready; each spec
/// audits (or tampers with) its own copy.
/// </summary>
public sealed class AuditedNode : IAsyncLifetime
{
    private readonly TempDir _dir = new();
    public static readonly EthKey Provider = EthKey.FromSeed("audit-provider");
    public static readonly EthKey[] Validators = [.. Enumerable.Range(0, 4).Select(i => EthKey.FromSeed($"audit-validator-{i}"))];

    public string Database => _dir.File("pot.db");

    /// <summary>The rules this node ran with, which its auditor must use too (`pot audit --config`).</summary>
    public const string Rules = "pot.consensus { committee-size = 4, min-committee-size = 3, min-validator-stake = \"1000\" }\n" +
                                "pot.emission.epoch-length = 10m";

    public string ConfigFile => _dir.File("node.conf");

    public async Task InitializeAsync()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 0, 0, 0, TimeSpan.Zero));
        var genesis = TestNode.Genesis([(Provider, 1_000_000UL), (Keys.Alice, 1_000_000UL), (Keys.Bob, 1_000UL), .. Validators.Select(v => (v, 100_000UL))]);
        await File.WriteAllTextAsync(ConfigFile, Rules);
        await using var node = await TestNode.Start(_dir.Path, genesis, Rules, clock, Validators);
        for (ulong n = 0; n < 3; n++) Expect(await node.Send(new Transfer(Keys.Alice.Address, Keys.Bob.Address, 100 + n, n), Keys.Alice));
        foreach (var v in Validators) Expect(await node.Send(new StakeAsValidator(v.Address, 5_000, 0), v));
        await Eventually.Holds(async () => Assert.Equal(4, ((JObject)(await node.Get("/v1/validators")).Body["validators"]!).Count));
        Expect(await node.Send(new StakeAsValidator(Keys.Bob.Address, 200, 0), Keys.Bob));
        Expect(await node.Send(new Unstake(Keys.Bob.Address, 50, 1), Keys.Bob));

        foreach (var (agent, nonce) in new[] { ("honest-agent", 0UL), ("forging-agent", 1UL), ("hand-judged-agent", 2UL) })
            Expect(await node.Send(new RegisterAgent(Provider.Address, agent, ["qa"], "http", "https://a.example", "", 10, 1000, 9900, 2_000, nonce), Provider));
        await Eventually.Holds(async () => Assert.Equal("pending", (string)(await node.Get("/v1/agents/hand-judged-agent")).Body["status"]!));

        await Judge(node, "honest-agent", Training.Honest(Provider.Address, "honest-agent"), "listed");
        var honest = Training.Honest(Provider.Address, "forging-agent");
        var log = honest.Checkpoints.Select((c, i) => i == 0 ? c : c with { Weights = [.. c.Weights.Select(w => w * 1.5)] }).ToImmutableArray();
        var forged = new TrainingRecord(honest.Manifest with
        {
            CheckpointRoot = new MerkleTree(log.Select(c => c.Bytes())).Root, FinalWeightsHash = log[^1].WeightsHash()
        }, log, honest.Dataset);
        await Judge(node, "forging-agent", forged, "rejected");
        await JudgeByHand(node, clock);
        // The 25 minutes the hand-judged round waited ended the first epochs: the schedule pays the rounds' winners.
        await Eventually.Holds(async () =>
        {
            var emission = (await node.Get("/v1/emission")).Body;
            Assert.Equal(2, (long)emission["epoch"]!);
            Assert.NotEqual("0", (string)emission["minted"]!);
        }, TimeSpan.FromSeconds(30));

        // Everything owed delivered (the epochs' payouts credited: a spec that tampers with a payout expects the credit in
        // the journal, not still owed), as the auditor counts it; then the projection caught up, before the node stops.
        using var probe = new TempDir();
        await Eventually.Holds(async () =>
        {
            var (_, report, error) = await PotCli.Run("audit", "--db", Copy(probe), "--config", ConfigFile, "--json");
            File.Delete(probe.File("pot.db"));
            Assert.True(report.Length > 0, error);
            Assert.Equal(0, (int)JObject.Parse(report)["pendingDeliveries"]!);
        }, TimeSpan.FromSeconds(30));
        await Eventually.Holds(async () =>
        {
            var network = (await node.Get("/v1/network")).Body;
            Assert.Equal(await Journal.MaxOrdering(Database), (long)network["offset"]!);
            Assert.Equal(2_000 + 1_000 + 2_000, (int)network["agentStake"]!);
        }, TimeSpan.FromSeconds(30));
    }

    private static async Task Judge(TestNode node, string agentId, TrainingRecord proof, string outcome)
    {
        var (status, body) = await node.Put("/v1/proofs", proof.ToBundle().ToString(Formatting.None));
        Assert.True(status == 200, body.ToString());
        Expect(await node.Send(new SubmitTrainingProof(Provider.Address, agentId, ProofManifest.Kind, proof.Hash(), "pot://proofs",
            await node.NextNonce(Provider.Address)), Provider));
        await Eventually.Holds(async () => Assert.Equal(outcome, (string)(await node.Get($"/v1/agents/{agentId}")).Body["status"]!), TimeSpan.FromSeconds(30));
    }

    /// <summary>An opaque proof (the duties leave it alone): three validators vote by hand, the fourth commits two
    /// different votes (equivocation, slashed and ejected), and the round closes at its reveal deadline.</summary>
    private static async Task JudgeByHand(TestNode node, FakeTimeProvider clock)
    {
        Expect(await node.Send(new SubmitTrainingProof(Provider.Address, "hand-judged-agent", "opaque", HexBytes.From(Keccak.Hash([42])), "ipfs://card",
            await node.NextNonce(Provider.Address)), Provider));
        var round = (string)(await node.Get("/v1/agents/hand-judged-agent")).Body["activeRound"]!;
        HexBytes Salt(EthKey v) => HexBytes.From(Keccak.Hash(v.Address.ToBytes()));
        foreach (var v in Validators[..3])
            Expect(await node.Send(new CommitVote(v.Address, round, VoteCommitment.Of(Verdict.Approve, 800_000, Salt(v), v.Address)), v));
        var cheat = Validators[3];
        Expect(await node.Send(new CommitVote(cheat.Address, round, HexBytes.From(Keccak.Hash([1]))), cheat));
        Assert.Equal(409, (await node.Send(new CommitVote(cheat.Address, round, HexBytes.From(Keccak.Hash([2]))), cheat)).Status);
        foreach (var v in Validators[..3])
            Expect(await node.Send(new RevealVote(v.Address, round, (byte)Verdict.Approve, 800_000, Salt(v)), v));
        clock.Advance(TimeSpan.FromMinutes(25));
        await Eventually.Holds(async () => Assert.Equal("listed", (string)(await node.Get("/v1/agents/hand-judged-agent")).Body["status"]!),
            TimeSpan.FromSeconds(30));
    }

    private static void Expect((int Status, JObject Body) reply) => Assert.True(reply.Status == 200, reply.Body.ToString());

    /// <summary>A private copy of the database (with its WAL folded in) for one spec to audit or tamper with.</summary>
    public string Copy(TempDir into)
    {
        var copy = into.File("pot.db");
        using (var source = JournalPages.SqliteConnection(Database))
        using (var command = source.CreateCommand())
        {
            command.CommandText = $"VACUUM INTO '{copy.Replace("'", "''")}'";
            command.ExecuteNonQuery();
        }
        return copy;
    }

    public Task DisposeAsync()
    {
        _dir.Dispose();
        return Task.CompletedTask;
    }
}
