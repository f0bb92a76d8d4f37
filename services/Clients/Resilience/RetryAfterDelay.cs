namespace Mlops.Clients.Resilience;

/// <summary>The wait a server asks for with <c>Retry-After</c> (seconds or a date), bounded so a consumer never sleeps long.</summary>
public static class RetryAfterDelay
{
    /// <summary>The server's wait capped at <paramref name="max"/>; null when the answer carries none.</summary>
    public static TimeSpan? Of(HttpResponseMessage? response, TimeProvider time, TimeSpan max)
    {
        var header = response?.Headers.RetryAfter;
        if (header is null)
            return null;
        var wait = header.Delta ?? (header.Date is { } date ? date - time.GetUtcNow() : null);
        if (wait is not { } delay)
            return null;
        if (delay < TimeSpan.Zero)
            delay = TimeSpan.Zero;
        return delay > max ? max : delay;
    }
}
