using Newtonsoft.Json;
using PoT.Proofs;
using PoT.Protocol;
using PoT.Registry;
using PoT.Specs.Support;
using Xunit;

namespace PoT.Specs.Attacks;

/// <summary>
/// Poison proofs at a node's doors (docs/security.md): a bundle a validator would refuse before any work is neither
/// stored by PUT /v1/proofs nor accepted by SubmitTrainingProof — refused with its code, nothing written, no nonce
/// spent, no round opened (before the defence such a round left every validator silent and missing).
/// </summary>
public sealed class PoisonProofNodeSpecs : IDisposable
{
    private readonly TempDir _dir = new();
    private static readonly EthKey Provider = EthKey.FromSeed("poison-provider");

    public void Dispose() => _dir.Dispose();

    private async Task<TestNode> Start()
    {
        var node = await TestNode.Start(_dir.Path, TestNode.Genesis((Provider, 1_000_000UL)));
        Assert.Equal(200, (await node.Send(new RegisterAgent(Provider.Address, "agent-1", ["qa"], "http", "https://agent.example", "", 10, 1000, 9900,
            2_000, 0), Provider)).Status);
        return node;
    }

    private static TrainingRecord Poisoned(Func<ProofManifest, ProofManifest> poison)
    {
        var honest = Training.Honest(Provider.Address);
        return new TrainingRecord(poison(honest.Manifest), [.. honest.Checkpoints], honest.Dataset);
    }

    [Fact]
    public async Task The_proof_store_refuses_poison_bundles_with_their_codes_and_stores_nothing()
    {
        await using var node = await Start();
        var cases = new (TrainingRecord Bundle, int Status, string Code)[]
        {
            (Poisoned(m => m with { DatasetRows = -1 }), 400, ErrorCodes.MalformedProof),
            (Poisoned(m => m with { Plan = m.Plan with { CheckpointEvery = 0 } }), 400, ErrorCodes.MalformedProof),
            (Poisoned(m => m with { Plan = m.Plan with { Epochs = 1000 }, DatasetRows = 1_000_000 }), 422, ErrorCodes.ProofOverBudget),
            (Poisoned(m => m with { Tolerance = double.NaN }), 400, ErrorCodes.NonFiniteNumber)
        };

        foreach (var (bundle, status, code) in cases)
        {
            var (got, body) = await node.Put("/v1/proofs", bundle.ToBundle().ToString(Formatting.None));

            Assert.Equal((status, code), (got, (string)body["error"]!["code"]!));
            Assert.Equal(404, (await node.Get($"/v1/proofs/{bundle.Hash()}")).Status);
        }
        Assert.Empty(Directory.Exists(node.Settings.Proofs.Directory) ? Directory.GetFiles(node.Settings.Proofs.Directory) : []);
    }

    [Fact]
    public async Task A_submission_of_a_stored_proof_over_the_limits_is_refused_and_spends_nothing()
    {
        await using var node = await Start();
        // Stored under looser limits (another configuration, or before an upgrade): the submission checks again.
        var poison = Poisoned(m => m with { Plan = m.Plan with { Epochs = 1000 }, DatasetRows = 1_000_000 });
        var hash = new ProofStore(node.Settings.Proofs.Directory).Put(poison);
        var nonce = await node.NextNonce(Provider.Address);
        var balance = await node.Balance(Provider.Address);

        var (status, body) = await node.Send(new SubmitTrainingProof(Provider.Address, "agent-1", ProofManifest.Kind, hash, "pot://proofs", nonce), Provider);

        Assert.Equal((422, ErrorCodes.ProofOverBudget), (status, (string)body["error"]!["code"]!));
        Assert.Equal(nonce, await node.NextNonce(Provider.Address));
        Assert.Equal(balance, await node.Balance(Provider.Address));
        var agent = (await node.Get("/v1/agents/agent-1")).Body;
        Assert.Equal("pending", (string)agent["status"]!);
        Assert.Null((string?)agent["activeRound"]);
    }

    [Theory]
    [InlineData("another-provider", "agent-1", "not-bound-to-provider")]
    [InlineData("poison-provider", "agent-2", "wrong-agent")]
    public async Task A_submission_of_a_proof_naming_another_provider_or_agent_is_refused_and_spends_nothing(string prover, string agentId, string code)
    {
        await using var node = await Start();
        // Someone else's model (or this provider's proof of another agent), uploaded and submitted as agent-1's: before
        // the defence the round opened, the bond was locked and the validators spent their work on a foregone reject.
        var stolen = Training.Honest(EthKey.FromSeed(prover).Address, agentId);
        var hash = new ProofStore(node.Settings.Proofs.Directory).Put(stolen);
        var nonce = await node.NextNonce(Provider.Address);
        var balance = await node.Balance(Provider.Address);

        var (status, body) = await node.Send(new SubmitTrainingProof(Provider.Address, "agent-1", ProofManifest.Kind, hash, "pot://proofs", nonce), Provider);

        Assert.Equal((422, code), (status, (string)body["error"]!["code"]!));
        Assert.Equal(nonce, await node.NextNonce(Provider.Address));
        Assert.Equal(balance, await node.Balance(Provider.Address));
        Assert.Null((string?)(await node.Get("/v1/agents/agent-1")).Body["activeRound"]);
    }
}
