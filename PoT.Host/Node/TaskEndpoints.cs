using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Newtonsoft.Json.Linq;
using PoT.Hosting;
using PoT.Orchestration;
using PoT.Persistence;
using PoT.Protocol;

namespace PoT.Host.Node;

/// <summary>
/// POST /v1/tasks: a signed SubmitTask (the same door as /v1/commands, for this one type): planned against the listed
/// agents, escrowed by the account, then run by task-{taskId}. GET /v1/tasks/{id}: the plan, every step and call with
/// its attempts, the money (budget, spent, reserved, refunded) and why it stopped (docs/orchestration.md).
/// </summary>
public static class TaskEndpoints
{
    public static IEndpointRouteBuilder MapTasks(this IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/tasks", (HttpRequest request, CommandEndpoint endpoint, CancellationToken ct) => endpoint.Handle(request, "SubmitTask", ct));
        app.MapGet("/v1/tasks/{id}", async (string id, ActorRegistry actors, PotSettings settings, CancellationToken ct) =>
        {
            if (TaskAdmission.TaskIdProblem(id) is { } problem) return ApiErrors.Error(ErrorCodes.InvalidField, problem);
            var view = await actors.Get<TaskRegion>().Ask<TaskView>(new ShardingEnvelope(id, new GetTask(id)), settings.AskTimeout, ct);
            if (view.State.Phase == TaskPhase.None)
                return ApiErrors.Error(ErrorCodes.UnknownTask, $"no task '{id}' (a task appears once its escrow has reached it)");
            return ApiErrors.Json(Body(view));
        });
        return app;
    }

    public static JObject Body(TaskView view)
    {
        var body = JObject.FromObject(view.State, PotJson.Serializer);
        body["reserved"] = view.State.Reserved.ToString();
        body["held"] = view.Held.ToString();
        body["available"] = view.Available.ToString();
        body["calls"] = view.Calls;
        return body;
    }
}
