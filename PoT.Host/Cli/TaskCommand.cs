using System.CommandLine;
using System.Diagnostics;
using Newtonsoft.Json.Linq;
using PoT.Orchestration;

namespace PoT.Host.Cli;

/// <summary>`pot task submit | watch`: pay the network to run a task, and follow it live.</summary>
public static class TaskCommand
{
    public static Command Create()
    {
        var taskId = new Option<string>("--task-id") { Description = "Your id for the task (2-64 of a-z, 0-9, . _ -)", Required = true };
        var goal = new Option<string>("--goal") { Description = "What the task is for, in words", DefaultValueFactory = _ => "" };
        var template = new Option<string>("--template") { Description = "A plan template of the node (hocon pot.orchestration.templates), e.g. rag-qa" };
        var capabilities = new Option<string[]>("--capability")
        {
            Description = "Instead of a template: the capabilities to chain, in order (repeat)", AllowMultipleArgumentsPerToken = true
        };
        var planFile = new Option<FileInfo?>("--plan-file") { Description = "Instead of a template: a JSON plan [{\"id\",\"capability\",\"after\":[…]}]" };
        var input = new Option<string>("--input") { Description = "The task's input (text, or JSON text)", DefaultValueFactory = _ => "" };
        var inputFile = new Option<FileInfo?>("--input-file") { Description = "Read the input from a file instead" };
        var budget = new Option<string>("--budget") { Description = "Most the task may cost, in base units (escrowed; the unused part comes back)", Required = true };
        var deadline = new Option<TimeSpan>("--deadline") { Description = "How long the task may run, e.g. 00:10:00", DefaultValueFactory = _ => TimeSpan.FromMinutes(10) };
        var submit = SendCommand.Verb("submit", "Sign a task and submit it: planned against the listed agents, its budget escrowed",
            [taskId, goal, template, capabilities, planFile, input, inputFile, budget, deadline],
            (p, account, nonce) => new SubmitTask(account, p.GetValue(taskId)!, p.GetValue(goal)!, p.GetValue(template) ?? "",
                [.. p.GetValue(capabilities) ?? []], p.GetValue(planFile) is { } f ? File.ReadAllText(f.FullName) : "",
                p.GetValue(inputFile) is { } i ? File.ReadAllText(i.FullName) : p.GetValue(input)!, SendCommand.Amount(p.GetValue(budget)!),
                (ulong)DateTimeOffset.UtcNow.Add(p.GetValue(deadline)).ToUnixTimeSeconds(), nonce),
            path: "/v1/tasks");

        var id = new Argument<string>("task-id") { Description = "The task to follow" };
        var node = new Option<string>("--node", "-n") { Description = "Node URL", DefaultValueFactory = _ => "http://127.0.0.1:5080" };
        var interval = new Option<TimeSpan>("--interval") { Description = "How often to ask the node", DefaultValueFactory = _ => TimeSpan.FromMilliseconds(500) };
        var appear = new Option<TimeSpan>("--wait") { Description = "How long to wait for the task to appear", DefaultValueFactory = _ => TimeSpan.FromSeconds(30) };
        var watch = new Command("watch", "Follow a task until it stops: each step, call and attempt as it happens; exit 0 if it completed") { id, node, interval, appear };
        watch.SetAction(parse => Cli.RunAsync(async () =>
        {
            using var client = new NodeClient(new Uri(parse.GetValue(node)!));
            var seen = new HashSet<string>();
            var waiting = Stopwatch.StartNew();
            while (true)
            {
                var (status, body) = await client.Get($"/v1/tasks/{parse.GetValue(id)}");
                if (status == 404 && waiting.Elapsed < parse.GetValue(appear))
                {
                    await Task.Delay(parse.GetValue(interval));
                    continue;
                }
                if (status != 200) return Cli.Print((status, body));
                foreach (var line in Progress(body).Where(seen.Add)) Console.Error.WriteLine(line);
                if ((string)body["phase"]! == "stopped")
                {
                    Console.WriteLine(Summary(body));
                    return (string)body["stopReason"]! == "completed" ? 0 : 1;
                }
                await Task.Delay(parse.GetValue(interval));
            }
        }));
        return new Command("task", "Paid tasks: submit one, watch one") { submit, watch };
    }

    /// <summary>One line per thing that happened, stable so that each prints once.</summary>
    public static IEnumerable<string> Progress(JObject task)
    {
        foreach (var step in (JArray)task["steps"]!)
        {
            var stepId = (string)step["plan"]!["id"]!;
            foreach (var call in (JArray)step["calls"]!)
            {
                var who = $"  step {stepId}, call {call["call"]} → {call["agentId"]} (price {call["price"]})";
                yield return who;
                var outcome = (string)call["status"]!;
                if (outcome != "inFlight")
                    yield return $"{who}: {outcome}{(call["code"] is { Type: JTokenType.String } c ? $" ({c}: {call["message"]})" : "")}, {call["latencyMs"]} ms, " +
                                 $"{((JArray?)call["attempts"])?.Count ?? 0} attempt(s){((bool?)call["lateResult"] == true ? "; answered late, not paid" : "")}";
            }
        }
        if ((string)task["phase"]! == "stopped") yield return $"  stopped: {task["stopReason"]} — {task["stopMessage"]}";
    }

    private static JObject Summary(JObject task) => new()
    {
        ["taskId"] = task["taskId"],
        ["stopReason"] = task["stopReason"],
        ["stopMessage"] = task["stopMessage"],
        ["budget"] = task["budget"],
        ["spent"] = task["spent"],
        ["refunded"] = task["refunded"],
        ["calls"] = task["calls"],
        ["outputs"] = new JObject(((JArray)task["steps"]!).Select(s => new JProperty((string)s["plan"]!["id"]!, s["output"])))
    };
}
