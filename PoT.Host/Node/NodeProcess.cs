using System.Diagnostics;
using System.Text.RegularExpressions;

namespace PoT.Host.Node;

/// <summary>`pot node` as a real operating-system process (the pot.dll beside the calling program), for specs that kill
/// it with SIGKILL exactly as an operator's machine might, and for benchmarks that load it from another process.</summary>
public sealed partial class NodeProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _log;

    /// <summary>What the node has printed so far (stdout and stderr).</summary>
    public IReadOnlyCollection<string> Log => _log;

    public Uri Url { get; }

    /// <summary>CPU time the node process has used so far (user + system, all threads).</summary>
    public TimeSpan CpuTime
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    private NodeProcess(Process process, Uri url, System.Collections.Concurrent.ConcurrentQueue<string> log)
    {
        _process = process;
        _log = log;
        Url = url;
    }

    [GeneratedRegex(@"PoT node up on (http://\S+?)[ ,]")]
    private static partial Regex UpLine();

    public static async Task<NodeProcess> Start(string dataDir, TimeSpan? within = null, params string[] extraArguments)
    {
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "pot.dll"), "node", "--data-dir", dataDir, "--port", "0", .. extraArguments])
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
            return new NodeProcess(process, await up.Task.WaitAsync(within ?? TimeSpan.FromSeconds(60)), log);
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
