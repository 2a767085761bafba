namespace PoT.Host.Cli;

/// <summary>Shared plumbing of the client verbs: errors become one clear line on stderr and a non-zero exit code.</summary>
public static class Cli
{
    public static int Run(Action action) => Run(() =>
    {
        action();
        return 0;
    });

    public static int Run(Func<int> action)
    {
        try
        {
            return action();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Console.Error.WriteLine(Describe(e));
            return 1;
        }
    }

    public static async Task<int> RunAsync(Func<Task<int>> action)
    {
        try
        {
            return await action();
        }
        catch (HttpRequestException e)
        {
            Console.Error.WriteLine($"pot: cannot reach the node: {e.Message}");
            return 1;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Console.Error.WriteLine(Describe(e));
            return 1;
        }
    }

    /// <summary>Prints a node's answer: the JSON body on success (exit 0), "code: message" on stderr otherwise (exit 1).</summary>
    public static int Print((int Status, Newtonsoft.Json.Linq.JObject Body) reply)
    {
        var (status, body) = reply;
        if (status == 200)
        {
            Console.WriteLine(body);
            return 0;
        }
        Console.Error.WriteLine($"pot: {(string?)body["error"]?["code"] ?? $"HTTP {status}"}: {(string?)body["error"]?["message"] ?? body.ToString()}");
        return 1;
    }

    /// <summary>A refusal with a stable code (a proof's <see cref="PoT.Proofs.ProofFormatException"/>) prints the code first,
    /// as the node's refusals do, so scripts read the same code from the CLI and from the API.</summary>
    private static string Describe(Exception e) =>
        e is PoT.Proofs.ProofFormatException proof ? $"pot: {proof.Code}: {proof.Message}" : $"pot: {e.Message}";
}
