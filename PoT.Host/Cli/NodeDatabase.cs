using System.CommandLine;
using Akka.Configuration;
using PoT.Hosting;

namespace PoT.Host.Cli;

/// <summary>How the offline verbs (`pot projections`, `pot snapshot`) find a node's SQLite file: --db, or pot.db in
/// --data-dir, with the node's settings (and an operator's --config over them).</summary>
public sealed class NodeDatabase
{
    public Option<FileInfo?> Db { get; } = new("--db") { Description = "The node's SQLite file (default: pot.db in --data-dir)" };

    public Option<string?> DataDir { get; } = new("--data-dir") { Description = "The node's data directory (default: ./data)" };

    public (string File, PotSettings Settings) Open(ParseResult parse, Option<FileInfo?>? config = null)
    {
        var overrides = parse.GetValue(DataDir) is { } d ? $"pot.node.data-dir = {PotConfig.Quote(d)}" : "";
        var fileConfig = config is not null && parse.GetValue(config) is { } f ? ConfigurationFactory.ParseString(File.ReadAllText(f.FullName)) : Config.Empty;
        var settings = PotConfig.Load(ConfigurationFactory.ParseString(overrides).WithFallback(fileConfig));
        var file = parse.GetValue(Db)?.FullName ?? settings.SqliteFile ?? throw new InvalidOperationException("give --db FILE");
        return File.Exists(file) ? (file, settings) : throw new FileNotFoundException($"no database at {file}");
    }
}
