using System.Collections.Immutable;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using PoT.Protocol;

namespace PoT.Proofs;

/// <summary>A proof as one JSON document (what a provider uploads and the proof store keeps), addressed by its hash —
/// the hash <c>SubmitTrainingProof</c> names.</summary>
public interface IProofBundle
{
    string Kind { get; }

    HexBytes Hash();

    JObject ToBundle();
}

public static class ProofBundle
{
    /// <summary>The verifiable proof kinds, each a <c>kind</c> a bundle declares and a <c>proofKind</c> a round carries.</summary>
    public static readonly ImmutableArray<string> Kinds = [ProofManifest.Kind, SgdStepProof.Kind];

    /// <summary>Reads a bundle of any verifiable kind; a <see cref="FormatException"/> says what is wrong with it.</summary>
    public static IProofBundle Parse(string json)
    {
        JObject bundle;
        try
        {
            bundle = JObject.Parse(json);
        }
        catch (JsonReaderException e)
        {
            throw new FormatException($"not a JSON object: {e.Message}");
        }
        return Parse(bundle);
    }

    public static IProofBundle Parse(JObject bundle)
    {
        try
        {
            return (string?)bundle["kind"] switch
            {
                ProofManifest.Kind => TrainingRecord.FromBundle(bundle),
                SgdStepProof.Kind => SgdStepProof.FromBundle(bundle),
                var other => throw new FormatException($"kind: '{other}' is not one of {string.Join(", ", Kinds)}")
            };
        }
        catch (Exception e) when (e is JsonException or InvalidCastException or ArgumentException or OverflowException or NullReferenceException)
        {
            throw new FormatException(e.Message, e);
        }
    }

    /// <summary>What a bundle claims, without its payload: the manifest of a training log; the public claim of a ZK proof,
    /// its task and the model it opens.</summary>
    public static JObject Summary(IProofBundle bundle) => bundle switch
    {
        TrainingRecord t => new JObject
        {
            ["kind"] = t.Kind, ["hash"] = t.Hash().Value, ["manifest"] = JObject.FromObject(t.Manifest, ProofCodec.Json)
        },
        SgdStepProof z => new JObject
        {
            ["kind"] = SgdStepProof.Kind, ["hash"] = z.Hash().Value, ["claimKey"] = z.ClaimKey().Value, ["task"] = z.Task,
            ["claim"] = new JObject
            {
                ["commitBefore"] = z.Claim.CommitBefore.ToString(), ["commitAfter"] = z.Claim.CommitAfter.ToString(),
                ["commitBatch"] = z.Claim.CommitBatch.ToString(), ["lrNum"] = z.Claim.LrNum.ToString(),
                ["lossThreshold"] = z.Claim.LossThreshold.ToString(), ["provider"] = z.Claim.Provider.ToString(),
                ["agent"] = z.Claim.Agent.ToString(), ["round"] = z.Claim.Round.ToString()
            },
            ["model"] = z.Model.ToJson()
        },
        _ => new JObject { ["kind"] = bundle.Kind, ["hash"] = bundle.Hash().Value }
    };
}
