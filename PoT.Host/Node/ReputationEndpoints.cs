using Akka.Actor;
using Akka.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Newtonsoft.Json.Linq;
using PoT.Hosting;
using PoT.Persistence;
using PoT.Protocol;
using PoT.Registry;
using PoT.Reputation;

namespace PoT.Host.Node;

/// <summary>
/// The reputation read models (docs/reputation.md). Every answer carries the journal offset the models reflect and
/// their digest, so a client can compare it with `pot projections rebuild` or `pot audit` at the same offset.
/// </summary>
public static class ReputationEndpoints
{
    public static IEndpointRouteBuilder MapReputation(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/reputation/agents", async (string? provider, string? status, ActorRegistry actors, PotSettings settings, CancellationToken ct) =>
        {
            Address? providerFilter = null;
            if (provider is not null)
            {
                if (!Address.TryParse(provider, out var parsed, out var error)) return ApiErrors.Error(ErrorCodes.InvalidField, $"provider: {error}");
                providerFilter = parsed;
            }
            AgentStatus? statusFilter = null;
            if (status is not null)
            {
                if (!Enum.TryParse<AgentStatus>(status, ignoreCase: true, out var parsedStatus))
                    return ApiErrors.Error(ErrorCodes.InvalidField, $"status: one of {string.Join(", ", Enum.GetNames<AgentStatus>()).ToLowerInvariant()}");
                statusFilter = parsedStatus;
            }
            var view = await View(actors, settings, ct);
            return Answer(view, "agents", view.State.Agents.Values.Where(a =>
                (providerFilter is null || a.Provider == providerFilter) && (statusFilter is null || a.Status == statusFilter)));
        });
        app.MapGet("/v1/reputation/agents/{id}", async (string id, ActorRegistry actors, PotSettings settings, CancellationToken ct) =>
        {
            var view = await View(actors, settings, ct);
            return view.State.Agents.TryGetValue(id, out var agent)
                ? ApiErrors.Json(With(view, JObject.FromObject(agent, PotJson.Serializer)))
                : ApiErrors.Error(ErrorCodes.UnknownAgent, $"no reputation for agent '{id}' (as of journal ordering {view.State.Offset})");
        });
        app.MapGet("/v1/reputation/validators", async (ActorRegistry actors, PotSettings settings, CancellationToken ct) =>
        {
            var view = await View(actors, settings, ct);
            return Answer(view, "validators", view.State.Validators.Values);
        });
        app.MapGet("/v1/reputation/providers", async (ActorRegistry actors, PotSettings settings, CancellationToken ct) =>
        {
            var view = await View(actors, settings, ct);
            return Answer(view, "providers", view.State.Providers.Values);
        });
        app.MapGet("/v1/network", async (ActorRegistry actors, PotSettings settings, CancellationToken ct) =>
        {
            var view = await View(actors, settings, ct);
            return ApiErrors.Json(With(view, JObject.FromObject(view.State.Network, PotJson.Serializer)));
        });
        return app;
    }

    private static Task<ReputationView> View(ActorRegistry actors, PotSettings settings, CancellationToken ct) =>
        actors.Get<ReputationProjectionActor>().Ask<ReputationView>(GetReputation.Instance, settings.AskTimeout, ct);

    private static Microsoft.AspNetCore.Http.IResult Answer<T>(ReputationView view, string name, IEnumerable<T> rows) =>
        ApiErrors.Json(With(view, new JObject { [name] = JArray.FromObject(rows, PotJson.Serializer) }));

    private static JObject With(ReputationView view, JObject body)
    {
        body["offset"] = view.State.Offset;
        body["journalOrdering"] = view.JournalOrdering;
        body["storedOffset"] = view.StoredOffset;
        body["digest"] = view.Digest;
        return body;
    }
}
