namespace PoT.Host.Cli;

/// <summary>Shared plumbing of the client verbs: errors become one clear line on stderr and a non-zero exit code.</summary>
public static class Cli
{
    public static int Run(Action action)
    {
        try
        {
            action();
            return 0;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Console.Error.WriteLine($"pot: {e.Message}");
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
            Console.Error.WriteLine($"pot: {e.Message}");
            return 1;
        }
    }
}
