using System.Numerics;
using Akka.Configuration;
using PoT.Ledger;
using PoT.Persistence;
using PoT.Protocol;
using PoT.Registry;

namespace PoT.Hosting;

/// <summary>
/// The node's configuration: the HOCON files of hocon/ (embedded at build time), overridden by an operator's file
/// and command-line values, with the typed options every context binds from it.
/// </summary>
public sealed record PotSettings(
    Config Config,
    string DataDir,
    string? GenesisFile,
    string PersistenceProvider,
    string ConnectionString,
    string? SqliteFile,
    TimeSpan SqliteBusyTimeout,
    string SqliteSynchronous,
    Eip712Domain Domain,
    LedgerOptions Ledger,
    RegistryOptions Registry,
    OutboxOptions Outbox,
    PoT.Consensus.ConsensusOptions Consensus,
    int NumberOfShards,
    TimeSpan AskTimeout,
    TimeSpan AccountCheckTimeout,
    string HttpHost,
    int HttpPort,
    int MaxBodyBytes,
    PoT.Proofs.ProofsOptions Proofs,
    PoT.Proofs.ValidatorDutyOptions Validator,
    System.Collections.Immutable.ImmutableArray<string> ValidatorKeyFiles,
    PoT.Reputation.ReputationOptions Reputation,
    PoT.Orchestration.TaskOptions Tasks,
    PoT.Adapters.HttpAdapterOptions HttpAdapter,
    PoT.Consensus.EmissionOptions Emission)
{
    public Config Pot => Config.GetConfig("pot");

    /// <summary>The network this node belongs to, known once its genesis is (<see cref="NetworkIdentity"/>).</summary>
    public NetworkIdentity Network { get; init; } = new();

    /// <summary>A new, open connection to the node's database (the SQLite file, or PostgreSQL), for what reads and
    /// writes it outside Akka.Persistence: the journal page reader and the read models.</summary>
    public System.Data.Common.DbConnection Connect()
    {
        if (SqliteFile is { } file) return JournalPages.SqliteConnection(file);
        var connection = new Npgsql.NpgsqlConnection(ConnectionString);
        connection.Open();
        return connection;
    }
}

public static class PotConfig
{
    /// <summary>One of the embedded hocon/*.conf files.</summary>
    public static Config Embedded(string fileName)
    {
        using var stream = typeof(PotConfig).Assembly.GetManifestResourceStream($"hocon/{fileName}")
            ?? throw new InvalidOperationException($"hocon/{fileName} is not embedded in PoT.Actors");
        using var reader = new StreamReader(stream);
        return ConfigurationFactory.ParseString(reader.ReadToEnd());
    }

    /// <summary>Builds the settings: <paramref name="overrides"/> (command line, an operator's file) over hocon/pot.conf
    /// over the persistence file of the chosen provider, with the connection strings filled in.</summary>
    public static PotSettings Load(Config? overrides = null)
    {
        var baseConfig = (overrides ?? Config.Empty).WithFallback(Embedded("pot.conf"));
        var pot = baseConfig.GetConfig("pot");
        var dataDir = Path.GetFullPath(pot.GetString("node.data-dir"));
        var provider = pot.GetString("persistence.provider");
        string connectionString;
        string? sqliteFile = null;
        switch (provider)
        {
            case "sqlite":
                sqliteFile = Path.Combine(dataDir, pot.GetString("persistence.sqlite.file"));
                connectionString = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder { DataSource = sqliteFile }.ToString();
                break;
            case "postgresql":
                connectionString = pot.GetString("persistence.postgresql.connection-string");
                if (string.IsNullOrWhiteSpace(connectionString))
                    throw new ConfigurationException("pot.persistence.postgresql.connection-string is required when the provider is postgresql");
                break;
            default:
                throw new ConfigurationException($"pot.persistence.provider must be sqlite or postgresql, not '{provider}'");
        }
        var connections = ConfigurationFactory.ParseString(string.Join("\n",
            new[] { "journal.sql", "journal.sharding", "snapshot-store.sql", "snapshot-store.sharding", "query.journal.sql" }
                .Select(plugin => $"akka.persistence.{plugin}.connection-string = {Quote(connectionString)}")));
        var config = connections.WithFallback(baseConfig).WithFallback(Embedded($"persistence-{provider}.conf"));
        pot = config.GetConfig("pot");

        var genesisFile = pot.GetString("genesis.file", "");
        var domain = new Eip712Domain(
            TypedDataSchema.Pot.DomainName,
            TypedDataSchema.Pot.DomainVersion,
            BigInteger.Parse(pot.GetString("domain.chain-id")),
            Address.Parse(pot.GetString("domain.verifying-contract")));

        var registry = RegistryOptions.FromConfig(pot);
        var ledger = LedgerOptions.FromConfig(pot);
        var consensus = PoT.Consensus.ConsensusOptions.FromConfig(pot);
        // Stake that backs a round must stay slashable until the round's evidence window closes (docs/security.md).
        if (ledger.UnbondingPeriod < consensus.SlashableFor)
            throw new ConfigurationException($"pot.ledger.unbonding-period ({ledger.UnbondingPeriod}) must be at least pot.consensus commit-window + " +
                $"reveal-window + evidence-window ({consensus.SlashableFor}): a validator could otherwise withdraw before its offence is proven");
        return new PotSettings(
            config,
            dataDir,
            string.IsNullOrWhiteSpace(genesisFile) ? null : Path.Combine(dataDir, genesisFile),
            provider,
            connectionString,
            sqliteFile,
            pot.GetTimeSpan("persistence.sqlite.busy-timeout"),
            pot.GetString("persistence.sqlite.synchronous").ToLowerInvariant(),
            domain,
            ledger,
            registry,
            OutboxOptions.FromConfig(pot),
            consensus,
            pot.GetInt("sharding.number-of-shards"),
            pot.GetTimeSpan("node.ask-timeout"),
            pot.GetTimeSpan("registry.account-check-timeout"),
            pot.GetString("node.http.host"),
            pot.GetInt("node.http.port"),
            pot.GetInt("node.http.max-body-bytes"),
            PoT.Proofs.ProofsOptions.FromConfig(pot, dataDir),
            PoT.Proofs.ValidatorDutyOptions.FromConfig(pot),
            [.. pot.GetStringList("validator.key-files").Select(f => Path.Combine(dataDir, f))],
            PoT.Reputation.ReputationOptions.FromConfig(pot),
            PoT.Orchestration.TaskOptions.FromConfig(pot).RequireFeeFloor(registry.MinPricePerCall),
            PoT.Adapters.HttpAdapterOptions.FromConfig(pot),
            PoT.Consensus.EmissionOptions.FromConfig(pot));
    }

    /// <summary>A HOCON string literal.</summary>
    public static string Quote(string value) => "\"" + value.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
}
