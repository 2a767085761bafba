using System.CommandLine;

namespace PoT.Host.Cli;

/// <summary>`pot show account|agent|agents|health`: reads a node's API and prints the JSON.</summary>
public static class ShowCommand
{
    public static Command Create()
    {
        var node = new Option<string>("--node", "-n") { Description = "Node URL", DefaultValueFactory = _ => "http://127.0.0.1:5080" };
        var address = new Argument<string>("address") { Description = "Account address" };
        var id = new Argument<string>("id") { Description = "Agent id" };
        var roundId = new Argument<string>("round") { Description = "Round id, e.g. summarizer-1.1" };
        var capability = new Option<string?>("--capability") { Description = "Only agents offering this capability" };
        return new Command("show", "Read accounts, agents, rounds and validators from a node")
        {
            Read("account", "An account's balance, stakes, unbonding and next nonce", [node], [address], p => $"/v1/accounts/{p.GetValue(address)}"),
            Read("agent", "One agent", [node], [id], p => $"/v1/agents/{Uri.EscapeDataString(p.GetValue(id)!)}"),
            Read("agents", "The agent directory", [node, capability], [],
                p => p.GetValue(capability) is { } c ? $"/v1/agents?capability={Uri.EscapeDataString(c)}" : "/v1/agents"),
            Read("round", "A validation round: committee, votes, tally, verdict, rewards", [node], [roundId], p => $"/v1/rounds/{Uri.EscapeDataString(p.GetValue(roundId)!)}"),
            Read("validators", "The validator set: stakes, misses, ejections", [node], [], _ => "/v1/validators"),
            Read("emission", "The emission schedule: the epoch, what it schedules, what this epoch has measured", [node], [], _ => "/v1/emission"),
            Read("health", "The node's health", [node], [], _ => "/health")
        };

        Command Read(string name, string description, Option[] options, Argument[] arguments, Func<ParseResult, string> path)
        {
            var command = new Command(name, description);
            foreach (var option in options) command.Options.Add(option);
            foreach (var argument in arguments) command.Arguments.Add(argument);
            command.SetAction(parse => Cli.RunAsync(async () =>
            {
                using var client = new NodeClient(new Uri(parse.GetValue(node)!));
                return Cli.Print(await client.Get(path(parse)));
            }));
            return command;
        }
    }
}
