using System.Threading.RateLimiting;

namespace PoT.Adapters;

/// <summary>
/// Lets a request start at least <c>spacing</c> after the previous one. It is the library's
/// <see cref="ConcurrencyLimiter"/> with one permit (its first-come queue, cancellation and statistics) whose permit is
/// returned <c>spacing</c> after it was granted, whatever the request does meanwhile; the lease handed out is already
/// empty, so disposing it (when the request ends) changes nothing.
/// </summary>
/// <remarks>A <see cref="TokenBucketRateLimiter"/> with one token per period does not give this guarantee: its tokens
/// come back on a timer that ticks independently of when the last token was taken, so two starts can be almost
/// simultaneous (one just before a tick, one at it).</remarks>
internal sealed class StartSpacingLimiter : RateLimiter
{
    /// <summary>.NET timers count whole milliseconds and may fire up to one early: added so the spacing is never less.</summary>
    private static readonly TimeSpan TimerGranularity = TimeSpan.FromMilliseconds(1);

    private readonly ConcurrencyLimiter _gate;
    private readonly TimeSpan _spacing;
    private readonly TimeProvider _time;

    public StartSpacingLimiter(TimeSpan spacing, TimeProvider time)
    {
        _spacing = spacing;
        _time = time;
        _gate = new ConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = 1,
            QueueLimit = int.MaxValue,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
    }

    public override TimeSpan? IdleDuration => _gate.IdleDuration;

    public override RateLimiterStatistics? GetStatistics() => _gate.GetStatistics();

    protected override RateLimitLease AttemptAcquireCore(int permitCount) => Spaced(_gate.AttemptAcquire(permitCount));

    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken) =>
        Spaced(await _gate.AcquireAsync(permitCount, cancellationToken).ConfigureAwait(false));

    private RateLimitLease Spaced(RateLimitLease lease)
    {
        if (!lease.IsAcquired)
            return lease;
        _ = ReturnLater(lease);
        return Granted.Instance;
    }

    private async Task ReturnLater(RateLimitLease lease)
    {
        try
        {
            await Task.Delay(_spacing + TimerGranularity, _time).ConfigureAwait(false);
        }
        finally
        {
            try
            {
                lease.Dispose();
            }
            catch (ObjectDisposedException)
            {
                // the adapter was disposed meanwhile: nothing waits for this permit any more
            }
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            _gate.Dispose();
        base.Dispose(disposing);
    }

    private sealed class Granted : RateLimitLease
    {
        public static readonly Granted Instance = new();

        public override bool IsAcquired => true;

        public override IEnumerable<string> MetadataNames => [];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = null;
            return false;
        }
    }
}
