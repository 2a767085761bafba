using System.Diagnostics;
using System.Text.RegularExpressions;

namespace PoT.Specs.Support;

/// <summary>`pot node` as a real operating-system process (the pot.dll built beside the specs), so that a spec can
/// kill it with SIGKILL exactly as an operator's machine might.</summary>
public sealed partial class NodeProcess : IAsyncDisposable
{
    private readonly Process _process;

    public Uri Url { get; }

    private NodeProcess(Process process, Uri url)
    {
        _process = process;
        Url = url;
    }

    [GeneratedRegex(@"PoT node up on (http://\S+?)[ ,]")]
    private static partial Regex UpLine();

    public static async Task<NodeProcess> Start(string dataDir, TimeSpan? within = null)
    {
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "pot.dll"), "node", "--data-dir", dataDir, "--port", "0"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start pot");
        var up = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var log = new System.Collections.Concurrent.ConcurrentQueue<string>();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            log.Enqueue(e.Data);
            if (UpLine().Match(e.Data) is { Success: true } m) up.TrySetResult(new Uri(m.Groups[1].Value));
        };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) log.Enqueue(e.Data); };
        process.Exited += (_, _) => up.TrySetException(new InvalidOperationException("pot node exited:\n" + string.Join("\n", log)));
        process.EnableRaisingEvents = true;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            return new NodeProcess(process, await up.Task.WaitAsync(within ?? TimeSpan.FromSeconds(60)));
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("pot node did not come up:\n" + string.Join("\n", log));
        }
    }

    /// <summary>SIGKILL: no shutdown hooks, no flush, nothing graceful.</summary>
    public async Task Kill()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited) await Kill();
        _process.Dispose();
    }
}
