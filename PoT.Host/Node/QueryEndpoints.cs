using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Sharding;
using Akka.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Newtonsoft.Json.Linq;
using PoT.Consensus;
using PoT.Hosting;
using PoT.Persistence;
using PoT.Ledger;
using PoT.Protocol;
using PoT.Registry;


namespace PoT.Host.Node;

/// <summary>The node's read API. Entities answer for themselves (strongly consistent); the agent list comes from
/// the directory read model (it trails the journal by its poll interval).</summary>
public static class QueryEndpoints
{
    public static IEndpointRouteBuilder MapPotQueries(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/accounts/{address}", async (string address, ActorRegistry actors, PotSettings settings, CancellationToken ct) =>
        {
            if (!Address.TryParse(address, out var parsed, out var error))
                return ApiErrors.Error(ErrorCodes.InvalidField, $"address: {error}");
            var view = await actors.Get<AccountRegion>()
                .Ask<AccountView>(new ShardingEnvelope(parsed.Value.Value, new GetAccount(parsed.Value)), settings.AskTimeout, ct);
            return view.Exists ? ApiErrors.Json(view) : ApiErrors.Error(ErrorCodes.UnknownAccount, $"{parsed} has never held tokens");
        });

        app.MapGet("/v1/agents/{id}", async (string id, ActorRegistry actors, PotSettings settings, CancellationToken ct) =>
        {
            if (AgentRules.AgentIdProblem(id) is { } problem) return ApiErrors.Error(ErrorCodes.InvalidField, problem);
            var view = await actors.Get<AgentRegion>().Ask<AgentView>(new ShardingEnvelope(id, new GetAgent(id)), settings.AskTimeout, ct);
            return view.Exists ? ApiErrors.Json(view) : ApiErrors.Error(ErrorCodes.UnknownAgent, $"no agent '{id}'");
        });

        app.MapGet("/v1/agents", async (string? capability, string? status, string? provider, ActorRegistry actors, PotSettings settings, CancellationToken ct) =>
        {
            AgentStatus? statusFilter = null;
            if (status is not null)
            {
                if (!Enum.TryParse<AgentStatus>(status, ignoreCase: true, out var parsedStatus))
                    return ApiErrors.Error(ErrorCodes.InvalidField, $"status: one of {string.Join(", ", Enum.GetNames<AgentStatus>()).ToLowerInvariant()}");
                statusFilter = parsedStatus;
            }
            Address? providerFilter = null;
            if (provider is not null)
            {
                if (!Address.TryParse(provider, out var parsedProvider, out var error)) return ApiErrors.Error(ErrorCodes.InvalidField, $"provider: {error}");
                providerFilter = parsedProvider;
            }
            var list = await actors.Get<AgentDirectoryActor>().Ask<AgentList>(new ListAgents(capability, statusFilter, providerFilter), settings.AskTimeout, ct);
            return ApiErrors.Json(list);
        });

        app.MapGet("/v1/rounds/{id}", async (string id, ActorRegistry actors, PotSettings settings, CancellationToken ct) =>
        {
            id = RoundIds.Complete(id, settings.Network.Tag);
            if (RoundIds.Problem(id) is { } problem) return ApiErrors.Error(ErrorCodes.InvalidField, problem);
            var view = await actors.Get<RoundRegion>().Ask<RoundView>(new ShardingEnvelope(id, new GetRound(id)), settings.AskTimeout, ct);
            return view.Exists ? ApiErrors.Json(view) : ApiErrors.Error(ErrorCodes.UnknownRound, $"round {id} was never opened");
        });

        app.MapGet("/v1/validators", async (ActorRegistry actors, PotSettings settings, CancellationToken ct) =>
            ApiErrors.Json(await actors.Get<ValidatorSetRegion>()
                .Ask<ValidatorSetView>(new ShardingEnvelope(ValidatorSetIds.EntityId, GetValidators.Instance), settings.AskTimeout, ct)));

        app.MapGet("/v1/emission", async (ActorRegistry actors, PotSettings settings, CancellationToken ct) =>
            ApiErrors.Json(await actors.Get<EmissionRegion>()
                .Ask<EmissionView>(new ShardingEnvelope(EmissionIds.EntityId, GetEmission.Instance), settings.AskTimeout, ct)));

        app.MapGet("/v1/schema", (CommandVerifier verifier) => ApiErrors.Json(new JObject
        {
            ["domain"] = verifier.Domain.ToJson(),
            ["types"] = JObject.Parse(TypedDataSchema.EmbeddedSchemaJson())["types"],
            ["commands"] = new JArray(verifier.Catalog.TypeNames.Order())
        }));

        app.MapGet("/health", async (ActorSystem system, ActorRegistry actors, PotSettings settings, CancellationToken ct) =>
        {
            var member = Cluster.Get(system).SelfMember;
            var genesis = await actors.Get<GenesisSingleton>().Ask<GenesisState>(GetGenesis.Instance, settings.AskTimeout, ct);
            var up = member.Status == MemberStatus.Up;
            return ApiErrors.Json(new JObject
            {
                ["status"] = up ? "ok" : "starting",
                ["cluster"] = member.Status.ToString().ToLowerInvariant(),
                ["persistence"] = settings.PersistenceProvider,
                ["genesis"] = genesis.Hash,
                ["genesisSupply"] = genesis.Total.ToString(),
                // Round ids end in "@{networkTag}"; on the development domain every network accepts the others' signatures.
                ["networkTag"] = settings.Network.Tag,
                ["domain"] = settings.Domain.ToJson(),
                ["developmentDomain"] = NetworkIdentity.IsDevelopment(settings.Domain)
            }, up ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
        });
        return app;
    }
}
