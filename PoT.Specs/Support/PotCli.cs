using System.Diagnostics;

namespace PoT.Specs.Support;

/// <summary>Runs the `pot` executable (the pot.dll beside the specs) as a process, as an operator or auditor would.</summary>
public static class PotCli
{
    public static async Task<(int ExitCode, string Output, string Error)> Run(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "pot.dll"), .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start pot");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(3));
        return (process.ExitCode, await output, await error);
    }
}
