using System.Collections.Immutable;
using Microsoft.Extensions.Time.Testing;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using PoT.Consensus;
using PoT.Hosting;
using PoT.Ledger;
using PoT.Proofs;
using PoT.Protocol;
using PoT.Registry;
using PoT.Specs.Support;
using Xunit;

namespace PoT.Specs.Node;

/// <summary>
/// Proofs through a whole node: the provider uploads a bundle and submits it; four validator duties on the node
/// verify it on the verifier pool and commit and reveal what they found. An honest log is listed, a forged log is
/// rejected and its provider slashed, and a ZK proof of an SGD step is judged the same way.
/// </summary>
public sealed class ValidatorDutySpecs : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 26, 0, 0, 0, TimeSpan.Zero));
    private static readonly EthKey[] Validators = [.. Enumerable.Range(0, 4).Select(i => EthKey.FromSeed($"duty-validator-{i}"))];
    private const string Config = "pot.consensus { committee-size = 4, min-committee-size = 3, min-validator-stake = \"1000\" }";
    private const ulong AgentStake = 2_000;

    public void Dispose() => _dir.Dispose();

    private async Task<TestNode> Start(EthKey provider)
    {
        var node = await TestNode.Start(_dir.Path, TestNode.Genesis([(provider, 1_000_000UL), .. Validators.Select(v => (v, 1_000_000UL))]), Config, _clock,
            Validators);
        foreach (var v in Validators) Assert.Equal(200, (await node.Send(new StakeAsValidator(v.Address, 5_000, 0), v)).Status);
        await Eventually.Holds(async () => Assert.Equal(4, ((JObject)(await node.Get("/v1/validators")).Body["validators"]!).Count));
        Assert.Equal(200, (await node.Send(new RegisterAgent(provider.Address, "agent-1", ["qa"], "http", "https://agent.example", "", 10, 1000, 9900,
            AgentStake, 0), provider)).Status);
        return node;
    }

    private static async Task<HexBytes> Upload(TestNode node, IProofBundle bundle)
    {
        var (status, body) = await node.Put("/v1/proofs", bundle.ToBundle().ToString(Formatting.None));
        Assert.True(status == 200, body.ToString());
        Assert.Equal(bundle.Hash().Value, (string)body["hash"]!);
        return bundle.Hash();
    }

    private static async Task<JObject> Submit(TestNode node, EthKey provider, string kind, HexBytes hash)
    {
        var (status, body) = await node.Send(new SubmitTrainingProof(provider.Address, "agent-1", kind, hash, $"pot://proofs/{hash}",
            await node.NextNonce(provider.Address)), provider);
        Assert.True(status == 200, body.ToString());
        var round = (string)(await node.Get("/v1/agents/agent-1")).Body["activeRound"]!;
        JObject view = [];
        await Eventually.Holds(async () =>
        {
            view = (await node.Get($"/v1/rounds/{round}")).Body;
            Assert.Equal("finalized", (string)view["phase"]!);
        }, TimeSpan.FromSeconds(30));
        return view;
    }

    private static TrainingRecord Honest(Address provider) => Training.Honest(provider);

    [Fact]
    public async Task An_honest_training_log_is_verified_by_every_duty_and_listed()
    {
        var provider = EthKey.FromSeed("duty-provider");
        await using var node = await Start(provider);
        var record = Honest(provider.Address);

        var view = await Submit(node, provider, ProofManifest.Kind, await Upload(node, record));

        Assert.Equal("approved", (string)view["verdict"]!);
        var results = (JArray)view["results"]!;
        Assert.Equal(4, results.Count);
        // Each duty scored the model on its own challenge set: the scores are accuracies, not a constant.
        var scores = ((JArray)view["votes"]!).Select(v => (uint)v["score"]!).ToList();
        Assert.All(scores, s => Assert.InRange(s, 1u, 1_000_000u));
        Assert.True(scores.Distinct().Count() > 1, $"every duty reported {scores[0]}: the challenge sets should differ");
        await Eventually.Holds(async () => Assert.Equal("listed", (string)(await node.Get("/v1/agents/agent-1")).Body["status"]!));
    }

    [Fact]
    public async Task A_forged_training_log_is_rejected_by_the_duties_and_the_provider_slashed()
    {
        var provider = EthKey.FromSeed("duty-provider");
        await using var node = await Start(provider);
        var honest = Honest(provider.Address);
        var first = honest.Checkpoints[0].Weights;
        var last = honest.Checkpoints[^1].Weights;
        var n = honest.Checkpoints.Count - 1;
        var log = honest.Checkpoints.Select((c, i) => c with { Weights = [.. first.Select((w, j) => w + (double)i / n * (last[j] - w))] }).ToImmutableArray();
        var forged = new TrainingRecord(honest.Manifest with
        {
            CheckpointRoot = new MerkleTree(log.Select(c => c.Bytes())).Root,
            FinalWeightsHash = log[^1].WeightsHash()
        }, log, honest.Dataset);

        var view = await Submit(node, provider, ProofManifest.Kind, await Upload(node, forged));

        Assert.Equal("rejected", (string)view["verdict"]!);
        Assert.All((JArray)view["votes"]!, v => Assert.Equal("reject", (string)v["verdict"]!));
        await Eventually.Holds(async () => Assert.Equal("rejected", (string)(await node.Get("/v1/agents/agent-1")).Body["status"]!));
        await Eventually.Holds(async () =>
            Assert.Equal(AgentStake / 2, ulong.Parse((string)(await node.Account(provider.Address))["agentStakes"]!["agent-1"]!)));
    }

    [Fact]
    public async Task A_zero_knowledge_proof_of_an_SGD_step_is_approved_with_its_held_out_score_as_the_consensus_score()
    {
        // The committed proof is bound to Alice, agent-1 and its first round: she is the provider here.
        await using var node = await Start(Keys.Alice);
        var proof = ZkFiles.Committed();

        var view = await Submit(node, Keys.Alice, SgdStepProof.Kind, await Upload(node, proof));

        Assert.True((string)view["roundId"]! == ZkFiles.Round && SgdStepClaim.RoundField(ZkFiles.Round) == proof.Claim.Round,
            $"the committed proof is for round {ZkFiles.Round}, the node opened {view["roundId"]}: prove the samples again (zk/samples.sh, gen_input.js --round)");
        Assert.Equal("approved", (string)view["verdict"]!);
        // Every duty voted the model's R² on its own challenge set, exactly as the verifier computes it for that validator.
        var options = PotConfig.Load().Proofs;
        var seed = HexBytes.Parse((string)view["seed"]!);
        var votes = ((JArray)view["votes"]!).Select(v => (Validator: Address.Parse((string)v["validator"]!), Score: (uint)v["score"]!, Stake: UInt128.Parse((string)v["stake"]!))).ToList();
        Assert.Equal(4, votes.Count);
        foreach (var vote in votes)
        {
            var check = new ProofCheck(ZkFiles.Round, SgdStepProof.Kind, proof.Hash(), Keys.Alice.Address, "agent-1", seed, vote.Validator);
            Assert.Equal(SgdStepVerifier.Verify(SgdStepCircuit.VerificationKey, proof, check, new HashSet<HexBytes>(), options.SgdStep, options.LinearTasks).Score,
                vote.Score);
        }
        var consensus = (uint)view["consensusScore"]!;
        Assert.Equal(Tally.WeightedMedian(votes.Select(v => (v.Score, v.Stake))), consensus);
        Assert.InRange(consensus, options.LinearTasks[ZkFiles.Task].MinScore + 1, 999_999u);
    }

    [Fact]
    public async Task A_proof_that_was_never_uploaded_is_refused_and_changes_nothing()
    {
        var provider = EthKey.FromSeed("duty-provider");
        await using var node = await Start(provider);
        var nonce = await node.NextNonce(provider.Address);
        var missing = Honest(provider.Address).Hash();

        var (status, body) = await node.Send(new SubmitTrainingProof(provider.Address, "agent-1", ProofManifest.Kind, missing, "pot://nowhere", nonce), provider);

        Assert.Equal(422, status);
        Assert.Equal(ErrorCodes.ProofNotFound, (string)body["error"]!["code"]!);
        Assert.Equal(nonce, await node.NextNonce(provider.Address));
        Assert.Null((string?)(await node.Get("/v1/agents/agent-1")).Body["activeRound"]);
    }

    [Fact]
    public async Task The_proof_store_refuses_bad_bundles_with_a_code_and_shows_stored_ones()
    {
        var provider = EthKey.FromSeed("duty-provider");
        await using var node = await TestNode.Start(_dir.Path, extraHocon: "pot.proofs.max-bundle-bytes = 200000");

        var (status, body) = await node.Put("/v1/proofs", """{"kind": "pol-v1", "manifest": {}}""");
        Assert.Equal((400, ErrorCodes.MalformedProof), (status, (string)body["error"]!["code"]!));

        var big = Training.Honest(provider.Address).ToBundle();
        big["padding"] = new string(' ', 200_000);
        Assert.Equal(413, (await node.Put("/v1/proofs", big.ToString(Formatting.None))).Status);

        var record = Training.Honest(provider.Address);
        var hash = await Upload(node, record);
        var (again, stored) = await node.Put("/v1/proofs", record.ToBundle().ToString(Formatting.None));
        Assert.Equal((200, false), (again, (bool)stored["stored"]!));
        var summary = (await node.Get($"/v1/proofs/{hash}")).Body;
        Assert.Equal(record.Manifest.CheckpointRoot.Value, (string)summary["manifest"]!["checkpointRoot"]!);
        Assert.Equal(404, (await node.Get($"/v1/proofs/{HexBytes.From(Keccak.Hash([9]))}")).Status);
        Assert.Equal(400, (await node.Get("/v1/proofs/0x12")).Status);
    }
}
