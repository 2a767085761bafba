using Akka.Configuration;
using PoT.Hosting;

namespace PoT.Specs.Support;

/// <summary>Node settings for specs: a temp data directory, a free port, quiet logs, fast polling.</summary>
public static class SpecConfig
{
    /// <summary>The node's default charges (hocon/pot.conf): what a registration burns and a proof submission bonds.</summary>
    public static readonly ulong RegistrationFee = (ulong)PotConfig.Load().Ledger.RegistrationFee;

    public static readonly ulong ProofBond = (ulong)PotConfig.Load().Ledger.ProofBond;

    public static PotSettings Node(string dataDir, string extraHocon = "") => PotConfig.Load(ConfigurationFactory.ParseString($$"""
        pot.node.data-dir = {{PotConfig.Quote(dataDir)}}
        pot.node.http.port = 0
        pot.node.ask-timeout = 10s
        pot.outbox.min-backoff = 50ms
        akka.loglevel = WARNING
        akka.stdout-loglevel = WARNING
        akka.persistence.query.journal.sql.refresh-interval = 50ms
        akka.persistence.query.journal.sql.journal-sequence-retrieval.query-delay = 50ms
        pot.emission.tick-interval = 100ms
        {{extraHocon}}
        """));

    /// <summary>Entity-level specs: the same persistence on a SQLite file, without cluster or sharding.</summary>
    public static Config LocalActors(string sqliteFile, string extraHocon = "")
    {
        var settings = Node(System.IO.Path.GetDirectoryName(sqliteFile)!,
            $"pot.persistence.sqlite.file = {PotConfig.Quote(System.IO.Path.GetFileName(sqliteFile))}\n{extraHocon}");
        PoT.Persistence.SqliteSetup.EnableWal(sqliteFile);
        return ConfigurationFactory.ParseString("akka.actor.provider = local").WithFallback(settings.Config);
    }
}
