using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Newtonsoft.Json.Linq;
using PoT.Hosting;
using PoT.Proofs;
using PoT.Protocol;

namespace PoT.Host.Node;

/// <summary>
/// PUT /v1/proofs stores a proof bundle (content-addressed, off the journal) and answers its hash, the one
/// SubmitTrainingProof names; GET /v1/proofs/{hash} shows what a stored bundle claims. Uploading is not a state
/// change of the ledger: it needs no signature, and storing the same bundle twice is one file.
/// </summary>
public static class ProofEndpoints
{
    public static IEndpointRouteBuilder MapProofs(this IEndpointRouteBuilder app)
    {
        app.MapPut("/v1/proofs", async (HttpContext context, ProofStore store, PotSettings settings, CancellationToken ct) =>
        {
            var limit = settings.Proofs.MaxBundleBytes;
            if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size) size.MaxRequestBodySize = (long)limit * CommandEndpoint.DrainFactor + 1;
            IProofBundle bundle;
            try
            {
                bundle = ProofBundle.Parse(await CommandEndpoint.ReadBody(context.Request, limit, ct));
            }
            catch (ProtocolException e)
            {
                return ApiErrors.Error(e.Code, e.Message);
            }
            catch (ProofFormatException e)
            {
                return ApiErrors.Error(e.Code, e.Message);
            }
            catch (FormatException e)
            {
                return ApiErrors.Error(ErrorCodes.MalformedProof, e.Message);
            }
            // Nothing a validator would refuse before any work is stored: a node's disk is not a free dump.
            if (ProofAdmission.Problem(bundle, settings.Proofs.Training) is { } problem) return ApiErrors.Error(problem.Code, problem.Message);
            var existed = store.Contains(bundle.Hash());
            var hash = store.Put(bundle);
            return ApiErrors.Json(new JObject { ["hash"] = hash.Value, ["kind"] = bundle.Kind, ["stored"] = !existed });
        });

        app.MapGet("/v1/proofs/{hash}", (string hash, ProofStore store) =>
        {
            if (!HexBytes.TryParse(hash, out var parsed) || parsed.Length != 32)
                return ApiErrors.Error(ErrorCodes.InvalidField, "hash: a 32-byte 0x hex proof hash");
            try
            {
                return store.Find(parsed) is { } bundle
                    ? ApiErrors.Json(ProofBundle.Summary(bundle))
                    : ApiErrors.Error(ErrorCodes.NotFound, $"no proof {parsed} on this node");
            }
            catch (Exception e) when (e is FormatException or InvalidDataException)
            {
                return ApiErrors.Error(ErrorCodes.MalformedProof, e.Message);
            }
        });
        return app;
    }
}
