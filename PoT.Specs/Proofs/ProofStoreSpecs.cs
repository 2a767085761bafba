using Newtonsoft.Json.Linq;
using PoT.Proofs;
using PoT.Protocol;
using PoT.Specs.Support;
using Xunit;

namespace PoT.Specs.Proofs;

/// <summary>Proof bundles on disk: content-addressed, exact after a round trip, and refused when changed.</summary>
public sealed class ProofStoreSpecs : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly ProofStore _store;

    public ProofStoreSpecs() => _store = new ProofStore(_dir.File("proofs"));

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void A_training_bundle_comes_back_bit_for_bit_under_its_manifest_hash()
    {
        var record = Training.Honest(Keys.Alice.Address);

        var hash = _store.Put(record);
        var back = Assert.IsType<TrainingRecord>(_store.Find(hash));

        Assert.Equal(record.Manifest.Hash(), hash);
        Assert.Equal(record.Manifest, back.Manifest);
        Assert.Equal(record.Checkpoints.Select(c => Keccak.Hex(c.Bytes())), back.Checkpoints.Select(c => Keccak.Hex(c.Bytes())));
        Assert.Equal(record.Dataset.Tree().Root, back.Dataset.Tree().Root);
    }

    [Fact]
    public void Storing_the_same_proof_twice_keeps_one_file()
    {
        var record = Training.Honest(Keys.Alice.Address);

        Assert.Equal(_store.Put(record), _store.Put(record));
        Assert.Single(Directory.GetFiles(_store.Directory));
    }

    [Fact]
    public void A_file_changed_on_disk_is_refused_not_believed()
    {
        var hash = _store.Put(Training.Honest(Keys.Alice.Address));
        var path = Path.Combine(_store.Directory, $"{hash}.json");
        var bundle = JObject.Parse(File.ReadAllText(path));
        bundle["manifest"]!["claimedAccuracy"] = 999_999;
        File.WriteAllText(path, bundle.ToString());

        Assert.Throws<InvalidDataException>(() => _store.Find(hash));
    }

    [Fact]
    public void An_unknown_hash_is_not_found()
    {
        Assert.Null(_store.Find(HexBytes.From(Keccak.Hash([1]))));
    }

    [Theory]
    [InlineData("""{"kind": "magic-v1"}""", "'magic-v1' is not one of pol-v1, groth16-sgd-v1")]
    [InlineData("""{"kind": "pol-v1"}""", "manifest: missing")]
    [InlineData("""{"kind": "groth16-sgd-v1", "proof": {}}""", "publicSignals: missing")]
    [InlineData("""{"kind": "groth16-sgd-v1", "proof": {}, "publicSignals": [], "task": "linear-2"}""", "model: missing")]
    [InlineData("""{"kind": "groth16-sgd-v1", "proof": {}, "publicSignals": [], "model": {}}""", "task: missing")]
    [InlineData("""{"kind": "groth16-sgd-v1", "proof": {}, "publicSignals": ["1", "2"], "task": "linear-2", "model": {"w": ["1", "2"], "b": "0", "salt": "1"}}""",
        "publicSignals: 2 values; the SGD-step circuit has 8")]
    [InlineData("""{"kind": "groth16-sgd-v1", "proof": {}, "publicSignals": [], "task": "linear-2", "model": {"w": ["1"], "b": "0", "salt": "1"}}""",
        "publicSignals: 0 values")]
    [InlineData("[1, 2]", "not a JSON object")]
    public void A_malformed_bundle_is_refused_with_what_is_wrong(string json, string problem)
    {
        var error = Assert.Throws<FormatException>(() => ProofBundle.Parse(json));

        Assert.Contains(problem, error.Message);
    }

    [Fact]
    public void A_truncated_checkpoint_log_is_refused()
    {
        var bundle = Training.Honest(Keys.Alice.Address).ToBundle();
        var bytes = Convert.FromBase64String((string)bundle["checkpoints"]!);
        bundle["checkpoints"] = Convert.ToBase64String(bytes[..^3]);

        Assert.Contains("truncated", Assert.Throws<FormatException>(() => ProofBundle.Parse(bundle.ToString())).Message);
    }

    [Fact]
    public void An_SGD_step_proof_has_one_hash_however_it_is_spelled()
    {
        var proof = ZkFiles.Json("build/proof.json");
        var signals = ZkFiles.Array("build/public.json");
        var compact = ZkFiles.Committed();
        var input = ZkFiles.Json("build/input.json");
        var bundle = new JObject
        {
            ["publicSignals"] = signals, ["kind"] = SgdStepProof.Kind, ["proof"] = proof, ["task"] = ZkFiles.Task,
            ["model"] = new JObject { ["salt"] = input["saltAfter"], ["b"] = input["bNext"], ["w"] = input["wNext"] }
        };

        var hash = _store.Put(ProofBundle.Parse(bundle.ToString(Newtonsoft.Json.Formatting.Indented)));

        Assert.Equal(compact.Hash(), hash);
        Assert.Equal(compact.PublicSignals.ToArray(), Assert.IsType<SgdStepProof>(_store.Find(hash)).PublicSignals.ToArray());
    }
}
