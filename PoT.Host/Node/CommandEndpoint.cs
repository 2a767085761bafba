using System.Buffers;
using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Hosting;
using Microsoft.AspNetCore.Http;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using PoT.Hosting;
using PoT.Protocol;
using PoT.Consensus;
using PoT.Orchestration;
using PoT.Registry;

namespace PoT.Host.Node;

/// <summary>
/// POST /v1/commands: the one door for every state change. Reads the body within a size limit, verifies the
/// signed envelope here (on the request's thread, so every core verifies), then hands the command to the entity
/// that executes it and maps its answer to HTTP. Nothing is written unless the entity accepts the command.
/// </summary>
public sealed class CommandEndpoint(CommandVerifier verifier, ActorRegistry actors, PotSettings settings, OrchestrationServices orchestration, TimeProvider clock)
{
    private static readonly JsonLoadSettings LoadSettings = new()
    {
        DuplicatePropertyNameHandling = DuplicatePropertyNameHandling.Error,
        CommentHandling = CommentHandling.Ignore
    };

    public async Task<IResult> Handle(HttpRequest request, CancellationToken cancellationToken) => await Handle(request, null, cancellationToken);

    /// <summary>Handles a signed envelope; <paramref name="onlyType"/> restricts the door to one command type
    /// (POST /v1/tasks takes only SubmitTask).</summary>
    public async Task<IResult> Handle(HttpRequest request, string? onlyType, CancellationToken cancellationToken)
    {
        JObject body;
        try
        {
            body = await ReadBody(request, settings.MaxBodyBytes, cancellationToken);
        }
        catch (ProtocolException e)
        {
            return ApiErrors.Error(e.Code, e.Message);
        }

        Signed signed;
        try
        {
            signed = verifier.Verify(body);
            var idProblem = signed.Command switch
            {
                IAgentCommand agentCommand => AgentRules.AgentIdProblem(agentCommand.AgentId),
                IRoundMessage roundMessage => RoundIds.Problem(roundMessage.RoundId),
                _ => null
            };
            if (idProblem is not null) throw new ProtocolException(ErrorCodes.InvalidField, idProblem);
            if (onlyType is not null && signed.Envelope.Type != onlyType)
                throw new ProtocolException(ErrorCodes.UnknownCommandType, $"this endpoint takes {onlyType} envelopes, not {signed.Envelope.Type}");
            // A task is planned against the agents listed now, before anything is escrowed.
            if (signed.Command is SubmitTask && !orchestration.Index.Ready)
                throw new ProtocolException(ErrorCodes.Unavailable, "the node is still loading its agent index; retry in a moment");
            if (signed.Command is SubmitTask task
                && TaskAdmission.Check(task, settings.Tasks, orchestration.Index.Offers, clock.GetUtcNow()) is { } refused)
                throw new ProtocolException(refused.Code, refused.Message);
        }
        catch (ProtocolException e)
        {
            return ApiErrors.Error(e.Code, e.Message);
        }

        var (region, entityId) = signed.Command switch
        {
            IAgentCommand agent => (actors.Get<AgentRegion>(), agent.AgentId),
            IRoundMessage round => (actors.Get<RoundRegion>(), round.RoundId),
            _ => (actors.Get<AccountRegion>(), signed.Command.Account.Value)
        };
        try
        {
            var reply = await region.Ask<CommandResult>(new ShardingEnvelope(entityId, signed), settings.AskTimeout, cancellationToken);
            return reply switch
            {
                CommandAccepted accepted => ApiErrors.Json(new JObject
                {
                    ["commandId"] = accepted.CommandId,
                    ["events"] = new JArray(accepted.EventIds),
                    ["replayed"] = accepted.Replayed
                }),
                CommandRejected rejected => ApiErrors.Error(rejected),
                _ => ApiErrors.Error(ErrorCodes.Unavailable, "unexpected reply from the entity")
            };
        }
        catch (AskTimeoutException)
        {
            return ApiErrors.Error(ErrorCodes.Timeout,
                $"no answer within {settings.AskTimeout.TotalSeconds:0.#} s; the command may still execute: resend the identical envelope to learn its result");
        }
    }

    /// <summary>Reads at most <paramref name="limit"/> bytes of JSON object. Dates stay strings and floats stay exact,
    /// so what is hashed is what was sent.</summary>
    /// <summary>How much of a too-large body is read and dropped so that the client gets its 413 instead of a reset
    /// connection (Kestrel closes a connection whose body was left unread); a body larger still is cut off.</summary>
    public const int DrainFactor = 4;

    private static async Task Drain(HttpRequest request, int limit, CancellationToken cancellationToken)
    {
        var scratch = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            long drained = 0;
            int read;
            while (drained <= (long)limit * DrainFactor
                   && (read = await request.Body.ReadAsync(scratch.AsMemory(), cancellationToken)) > 0)
                drained += read;
        }
        catch (Microsoft.AspNetCore.Http.BadHttpRequestException)
        {
            // Beyond the server's own body limit: the connection is closed, as for any abusive request.
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }

    public static async Task<JObject> ReadBody(HttpRequest request, int limit, CancellationToken cancellationToken)
    {
        if (request.ContentLength > limit)
        {
            await Drain(request, limit, cancellationToken);
            throw new ProtocolException(ErrorCodes.PayloadTooLarge, $"the body is {request.ContentLength} bytes; the limit is {limit}");
        }
        // One pooled buffer per request, one byte over the limit to tell "exactly the limit" from "too large".
        var buffer = ArrayPool<byte>.Shared.Rent(limit + 1);
        try
        {
            var length = 0;
            int read;
            while ((read = await request.Body.ReadAsync(buffer.AsMemory(length, limit + 1 - length), cancellationToken)) > 0)
            {
                length += read;
                if (length > limit)
                {
                    await Drain(request, limit, cancellationToken);
                    throw new ProtocolException(ErrorCodes.PayloadTooLarge, $"the body exceeds the limit of {limit} bytes");
                }
            }
            return Parse(System.Text.Encoding.UTF8.GetString(buffer, 0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static JObject Parse(string text)
    {
        try
        {
            using var reader = new JsonTextReader(new StringReader(text))
            {
                DateParseHandling = DateParseHandling.None,
                FloatParseHandling = FloatParseHandling.Decimal,
                MaxDepth = 32
            };
            var token = JToken.ReadFrom(reader, LoadSettings);
            if (reader.Read())
                throw new ProtocolException(ErrorCodes.MalformedJson, "unexpected content after the JSON object");
            return token as JObject ?? throw new ProtocolException(ErrorCodes.MalformedJson, "the body must be a JSON object");
        }
        catch (JsonException e)
        {
            throw new ProtocolException(ErrorCodes.MalformedJson, $"not valid JSON: {e.Message}");
        }
    }
}
