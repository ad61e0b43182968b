using System.Security.Claims;
using System.Threading.RateLimiting;

namespace ScoreGrains.Silo.Security;

/// <summary>
/// Per key, a token bucket of signals: <c>SignalsPerSecond</c> tokens a second, holding one second's worth. A batch
/// takes as many tokens as it has signals, all or none, before any of it reaches a subject. The rate limiter of
/// System.Threading.RateLimiting, ASP.NET Core's own; not its middleware, which counts requests, not signals.
/// </summary>
public sealed class SignalRateLimiter : IDisposable
{
    // Replenished in tenths of a second, so a key is not idle for most of each second after a burst.
    private const int TicksPerSecond = 10;

    private readonly Dictionary<string, double> _rates;
    private readonly PartitionedRateLimiter<string> _limiter;

    public SignalRateLimiter(SecurityOptions options)
    {
        _rates = options.Keys
            .Where(k => k.Value.SignalsPerSecond is not null)
            .ToDictionary(k => k.Key, k => k.Value.SignalsPerSecond!.Value, StringComparer.Ordinal);
        _limiter = PartitionedRateLimiter.Create<string, string>(name => _rates.TryGetValue(name, out var rate)
            ? RateLimitPartition.GetTokenBucketLimiter(name, _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = Capacity(rate),
                TokensPerPeriod = Math.Max(1, (int)Math.Round(rate / TicksPerSecond)),
                ReplenishmentPeriod = TimeSpan.FromSeconds(1.0 / TicksPerSecond),
                QueueLimit = 0,
                AutoReplenishment = true,
            })
            : RateLimitPartition.GetNoLimiter(name));
    }

    /// <summary>Takes <paramref name="signals"/> tokens from the caller's bucket; false (and when to retry) when they are not all there.</summary>
    public bool TryAcquire(ClaimsPrincipal caller, int signals, out TimeSpan retryAfter, out string? refusal)
    {
        retryAfter = TimeSpan.Zero;
        refusal = null;
        var name = caller.Identity?.Name ?? "";
        if (signals == 0 || !_rates.TryGetValue(name, out var rate))
        {
            return true;
        }

        if (signals > Capacity(rate))
        {
            // The bucket never holds that many: waiting would not help.
            retryAfter = TimeSpan.FromSeconds(1);
            refusal = $"The batch holds {signals} signals; the key '{name}' may post at most {Capacity(rate)} a second, so send smaller batches.";
            return false;
        }

        using var lease = _limiter.AttemptAcquire(name, signals);
        if (lease.IsAcquired)
        {
            return true;
        }

        retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromSeconds(signals / rate);
        refusal = $"The key '{name}' may post {rate:0.##} signals a second; this batch of {signals} is over it.";
        return false;
    }

    public void Dispose() => _limiter.Dispose();

    private static int Capacity(double rate) => Math.Max(1, (int)Math.Ceiling(rate));
}
