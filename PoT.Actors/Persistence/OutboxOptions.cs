using Akka.Configuration;

namespace PoT.Persistence;

/// <summary>Outbox relay parameters (hocon/pot.conf, pot.outbox).</summary>
public sealed record OutboxOptions(
    bool Enabled,
    string QueryPluginId,
    int Parallelism,
    TimeSpan AskTimeout,
    int CommitBatch,
    TimeSpan CommitInterval,
    TimeSpan MinBackoff,
    TimeSpan MaxBackoff)
{
    public static OutboxOptions FromConfig(Config pot) => new(
        pot.GetBoolean("outbox.enabled"),
        pot.GetString("outbox.query-plugin"),
        pot.GetInt("outbox.parallelism"),
        pot.GetTimeSpan("outbox.ask-timeout"),
        pot.GetInt("outbox.commit-batch"),
        pot.GetTimeSpan("outbox.commit-interval"),
        pot.GetTimeSpan("outbox.min-backoff"),
        pot.GetTimeSpan("outbox.max-backoff"));
}
