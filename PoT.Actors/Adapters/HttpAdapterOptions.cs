using Akka.Configuration;
using PoT.Hosting;

namespace PoT.Adapters;

/// <summary>HTTP agent adapter settings (hocon/pot.conf, pot.adapters.http; docs/adapters.md).</summary>
/// <param name="MaxConcurrentPerAgent">Requests in flight to one agent at most; more wait in a first-come queue.</param>
/// <param name="MinSpacing">Least time between the starts of two requests to one agent; zero turns spacing off.</param>
/// <param name="AttemptTimeout">Time-out of one attempt unless the agent's config sets timeoutMs.</param>
/// <param name="MaxRetries">Retries after the first attempt; zero turns retries off.</param>
/// <param name="BaseDelay">First back-off delay; doubled per retry, with jitter.</param>
/// <param name="MaxDelay">Largest back-off delay.</param>
/// <param name="MaxRetryAfter">Largest wait honoured for an agent's Retry-After.</param>
/// <param name="FailureRatio">Share of failed attempts within <paramref name="SamplingDuration"/> that opens the circuit.</param>
/// <param name="MinimumThroughput">Attempts within <paramref name="SamplingDuration"/> before the ratio counts.</param>
/// <param name="SamplingDuration">Window over which the failure ratio is measured.</param>
/// <param name="BreakDuration">How long an opened circuit stays open before a trial request.</param>
/// <param name="MaxResponseBytes">Largest response body read; a larger one fails the attempt.</param>
/// <param name="ConnectionLifetime">How long a pooled connection to an agent is reused (so DNS changes are seen).</param>
public sealed record HttpAdapterOptions(
    int MaxConcurrentPerAgent,
    TimeSpan MinSpacing,
    TimeSpan AttemptTimeout,
    int MaxRetries,
    TimeSpan BaseDelay,
    TimeSpan MaxDelay,
    TimeSpan MaxRetryAfter,
    double FailureRatio,
    int MinimumThroughput,
    TimeSpan SamplingDuration,
    TimeSpan BreakDuration,
    long MaxResponseBytes,
    TimeSpan ConnectionLifetime)
{
    private const string Prefix = "pot.adapters.http.";

    // Polly's own bounds for the strategies these settings configure (its builders throw outside them).
    private static readonly TimeSpan MinTimeout = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan MinCircuitWindow = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan MaxPollyDuration = TimeSpan.FromDays(1);

    private static readonly Lazy<HttpAdapterOptions> Defaults = new(() => FromConfig(PotConfig.Embedded("pot.conf").GetConfig("pot")));

    /// <summary>The defaults of hocon/pot.conf.</summary>
    public static HttpAdapterOptions Default => Defaults.Value;

    /// <summary>Binds and validates pot.adapters.http; throws <see cref="ConfigurationException"/> naming the bad key.</summary>
    public static HttpAdapterOptions FromConfig(Config pot)
    {
        if (!pot.HasPath("adapters.http"))
            throw new ConfigurationException("pot.adapters.http is missing");
        var c = pot.GetConfig("adapters.http");
        var circuit = c.GetConfig("circuit") ?? Config.Empty;
        return new HttpAdapterOptions(
            Read(c, "max-concurrent-per-agent", k => c.GetInt(k)),
            Read(c, "min-spacing", k => c.GetTimeSpan(k)),
            Read(c, "attempt-timeout", k => c.GetTimeSpan(k)),
            Read(c, "max-retries", k => c.GetInt(k)),
            Read(c, "base-delay", k => c.GetTimeSpan(k)),
            Read(c, "max-delay", k => c.GetTimeSpan(k)),
            Read(c, "max-retry-after", k => c.GetTimeSpan(k)),
            Read(circuit, "failure-ratio", k => circuit.GetDouble(k), "circuit."),
            Read(circuit, "minimum-throughput", k => circuit.GetInt(k), "circuit."),
            Read(circuit, "sampling-duration", k => circuit.GetTimeSpan(k), "circuit."),
            Read(circuit, "break-duration", k => circuit.GetTimeSpan(k), "circuit."),
            Read(c, "max-response-bytes", k => c.GetByteSize(k) ?? throw new ConfigurationException($"{Prefix}{k} must be a size")),
            Read(c, "connection-lifetime", k => c.GetTimeSpan(k)))
            .Validate();
    }

    /// <summary>Checks every value against its bounds (Polly's included); returns this, or throws
    /// <see cref="ConfigurationException"/> naming the bad key.</summary>
    public HttpAdapterOptions Validate()
    {
        Check(MaxConcurrentPerAgent >= 1, "max-concurrent-per-agent", "must be at least 1");
        Check(MinSpacing >= TimeSpan.Zero && MinSpacing <= MaxPollyDuration, "min-spacing", "must be between 0 and 1d");
        Check(AttemptTimeout >= MinTimeout && AttemptTimeout <= MaxPollyDuration, "attempt-timeout", "must be between 10ms and 1d");
        Check(MaxRetries >= 0, "max-retries", "must be 0 or more");
        Check(BaseDelay >= TimeSpan.Zero && BaseDelay <= MaxPollyDuration, "base-delay", "must be between 0 and 1d");
        Check(MaxDelay >= BaseDelay && MaxDelay <= MaxPollyDuration, "max-delay", "must be at least base-delay and at most 1d");
        Check(MaxRetryAfter >= TimeSpan.Zero && MaxRetryAfter <= MaxPollyDuration, "max-retry-after", "must be between 0 and 1d");
        Check(FailureRatio > 0 && FailureRatio <= 1, "circuit.failure-ratio", "must be above 0 and at most 1");
        Check(MinimumThroughput >= 2, "circuit.minimum-throughput", "must be at least 2");
        Check(SamplingDuration >= MinCircuitWindow && SamplingDuration <= MaxPollyDuration, "circuit.sampling-duration",
            "must be between 500ms and 1d");
        Check(BreakDuration >= MinCircuitWindow && BreakDuration <= MaxPollyDuration, "circuit.break-duration", "must be between 500ms and 1d");
        Check(MaxResponseBytes >= 1 && MaxResponseBytes <= int.MaxValue, "max-response-bytes", "must be between 1 byte and 2 GiB");
        Check(ConnectionLifetime > TimeSpan.Zero, "connection-lifetime", "must be above 0");
        return this;
    }

    private static T Read<T>(Config c, string key, Func<string, T> read, string prefix = "")
    {
        if (!c.HasPath(key))
            throw new ConfigurationException($"{Prefix}{prefix}{key} is missing");
        try
        {
            return read(key);
        }
        catch (Exception e) when (e is not ConfigurationException)
        {
            throw new ConfigurationException($"{Prefix}{prefix}{key}: {e.Message}");
        }
    }

    private static void Check(bool ok, string key, string rule)
    {
        if (!ok)
            throw new ConfigurationException($"{Prefix}{key} {rule}");
    }
}
