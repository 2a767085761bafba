using System.CommandLine;
using Akka.Configuration;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PoT.Hosting;
using PoT.Host.Node;

namespace PoT.Host.Cli;

/// <summary>`pot node`: runs a node until Ctrl+C / SIGTERM (graceful: Akka's CoordinatedShutdown).</summary>
public static class NodeCommand
{
    public static Command Create()
    {
        var dataDir = new Option<string?>("--data-dir") { Description = "Directory of the SQLite database and genesis file (default: ./data)" };
        var host = new Option<string?>("--host") { Description = "Address the HTTP API binds to (default: 127.0.0.1)" };
        var port = new Option<int?>("--port") { Description = "HTTP port (default: 5080; 0 picks a free one)" };
        var genesis = new Option<string?>("--genesis") { Description = "Genesis file, minted at the first start it exists (default: genesis.json in the data directory)" };
        var postgres = new Option<string?>("--postgres") { Description = "Use PostgreSQL with this connection string instead of the embedded SQLite file" };
        var config = new Option<FileInfo?>("--config") { Description = "A HOCON file whose values override hocon/pot.conf" };
        var validatorKeys = new Option<FileInfo[]>("--validator-key")
        {
            Description = "A validator's key file: the node checks the proofs of the rounds it sits on and votes for it (repeatable)"
        };
        var passwordFile = new Option<FileInfo?>("--password-file") { Description = $"Password of encrypted validator key files (or set {KeyFile.PasswordVariable})" };
        var command = new Command("node", "Run a PoT node: HTTP API on 127.0.0.1:5080, embedded SQLite journal in ./data")
        {
            dataDir, host, port, genesis, postgres, config, validatorKeys, passwordFile
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var overrides = new List<string>();
            if (parse.GetValue(dataDir) is { } d) overrides.Add($"pot.node.data-dir = {PotConfig.Quote(d)}");
            if (parse.GetValue(host) is { } h) overrides.Add($"pot.node.http.host = {PotConfig.Quote(h)}");
            if (parse.GetValue(port) is { } p) overrides.Add($"pot.node.http.port = {p}");
            if (parse.GetValue(genesis) is { } g) overrides.Add($"pot.genesis.file = {PotConfig.Quote(Path.GetFullPath(g))}");
            if (parse.GetValue(postgres) is { } pg)
                overrides.Add($"pot.persistence {{ provider = postgresql, postgresql.connection-string = {PotConfig.Quote(pg)} }}");
            var fileConfig = parse.GetValue(config) is { } f ? ConfigurationFactory.ParseString(await File.ReadAllTextAsync(f.FullName, cancellationToken)) : Config.Empty;
            return await Run(ConfigurationFactory.ParseString(string.Join("\n", overrides)).WithFallback(fileConfig), cancellationToken,
                [.. (parse.GetValue(validatorKeys) ?? []).Select(k => k.FullName)], KeyFile.ReadPassword(parse.GetValue(passwordFile)));
        });
        return command;
    }

    public static async Task<int> Run(Config overrides, CancellationToken cancellationToken, IReadOnlyList<string>? validatorKeyFiles = null,
        string? password = null)
    {
        PotSettings settings;
        List<PoT.Protocol.EthKey> keys;
        try
        {
            settings = PotConfig.Load(overrides);
            keys = [.. settings.ValidatorKeyFiles.Concat(validatorKeyFiles ?? []).Distinct().Select(f => KeyFile.Read(f, password))];
        }
        catch (Exception e) when (e is ConfigurationException or FormatException or IOException or InvalidOperationException
                                      or Nethereum.KeyStore.Crypto.DecryptionException)
        {
            await Console.Error.WriteLineAsync($"pot node: configuration error: {e.Message}");
            return 2;
        }
        var app = NodeHost.Build(settings, validatorKeys: keys);
        var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("pot");
        try
        {
            await app.StartAsync(cancellationToken);
            var genesis = await NodeHost.ApplyGenesis(app, settings, log);
            log.LogInformation("PoT node up on {Urls} — journal: {Provider} {Where}; genesis {Genesis} (supply {Supply})",
                string.Join(", ", NodeHost.BoundUrls(app)), settings.PersistenceProvider, settings.SqliteFile ?? "(PostgreSQL)",
                genesis.Hash ?? "none", genesis.Total);
            foreach (var key in keys) log.LogInformation("Validator duty on for {Validator}: it checks the proofs of its rounds and votes", key.Address);
        }
        catch (Exception e)
        {
            log.LogCritical("Cannot start: {Message}", e is IOException ? e.Message : e.InnerException?.Message ?? e.Message);
            await app.StopAsync(CancellationToken.None);
            await app.DisposeAsync();
            return 3;
        }
        await app.WaitForShutdownAsync(cancellationToken);
        return 0;
    }
}
