namespace Mlops.Clients.Resilience;

/// <summary>
/// Retry, circuit-breaker and overall timeout of one outside system (<c>&lt;Section&gt;:Resilience</c>); the per-attempt
/// timeout is the system's own <c>Timeout</c> setting.
/// </summary>
public sealed class ResilienceSettings
{
    /// <summary>Retries after the first attempt (so at most this plus one attempts).</summary>
    public int MaxRetryAttempts { get; set; } = 3;

    /// <summary>First backoff delay; it doubles per retry, with jitter.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>No wait between attempts is longer, also when the server's <c>Retry-After</c> asks for more.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Bound on one call including all its attempts and waits.</summary>
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Share of failed attempts within <see cref="SamplingDuration"/> that opens the breaker. High on purpose: retried
    /// attempts count too, so a burst of errors that retries cure must not open it; an outage does.
    /// </summary>
    public double FailureRatio { get; set; } = 0.8;

    /// <summary>The window over which <see cref="FailureRatio"/> is measured.</summary>
    public TimeSpan SamplingDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Attempts within the window before the breaker may open at all.</summary>
    public int MinimumThroughput { get; set; } = 10;

    /// <summary>How long an open breaker refuses calls before it lets one through (half-open).</summary>
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Problems with these settings, each naming the setting under <paramref name="section"/>.</summary>
    public IEnumerable<string> Problems(string section)
    {
        var prefix = $"{section}:Resilience:";
        if (MaxRetryAttempts is < 0 or > 10)
            yield return $"{prefix}MaxRetryAttempts must be between 0 and 10 (got {MaxRetryAttempts}).";
        if (RetryDelay <= TimeSpan.Zero)
            yield return $"{prefix}RetryDelay must be positive (got {RetryDelay}).";
        if (MaxRetryDelay < RetryDelay)
            yield return $"{prefix}MaxRetryDelay must be at least RetryDelay (got {MaxRetryDelay}).";
        if (TotalTimeout <= TimeSpan.Zero)
            yield return $"{prefix}TotalTimeout must be positive (got {TotalTimeout}).";
        if (FailureRatio is <= 0 or > 1)
            yield return $"{prefix}FailureRatio must be above 0 and at most 1 (got {FailureRatio}).";
        if (SamplingDuration < TimeSpan.FromMilliseconds(500))
            yield return $"{prefix}SamplingDuration must be at least 0.5 s (got {SamplingDuration}).";
        if (MinimumThroughput < 2)
            yield return $"{prefix}MinimumThroughput must be at least 2 (got {MinimumThroughput}).";
        if (BreakDuration < TimeSpan.FromMilliseconds(500))
            yield return $"{prefix}BreakDuration must be at least 0.5 s (got {BreakDuration}).";
    }
}
