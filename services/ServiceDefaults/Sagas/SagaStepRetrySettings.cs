using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Mlops.ServiceDefaults.Sagas;

/// <summary>Backoff of step retries at deadlines, from the <c>Sagas:StepRetry</c> section: <c>First</c> (5 s) doubling up to <c>Max</c> (2 min).</summary>
public sealed record SagaStepRetrySettings
{
    public const string Section = "Sagas:StepRetry";

    public static readonly SagaStepRetrySettings Default = new();

    /// <summary>Wait before the first retry.</summary>
    public TimeSpan First { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The longest wait between two attempts.</summary>
    public TimeSpan Max { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Reads and checks the section; a malformed value stops with a message naming the key.</summary>
    public static SagaStepRetrySettings Read(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(Section);
        var first = ReadTime(section, nameof(First), Default.First);
        var max = ReadTime(section, nameof(Max), Default.Max);
        if (max < first)
            throw new InvalidOperationException($"{Section}:{nameof(Max)} ({max}) must not be shorter than {Section}:{nameof(First)} ({first}).");
        return new SagaStepRetrySettings { First = first, Max = max };
    }

    private static TimeSpan ReadTime(IConfigurationSection section, string key, TimeSpan fallback)
    {
        var text = section[key];
        if (string.IsNullOrWhiteSpace(text))
            return fallback;
        if (!TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var value) || value <= TimeSpan.Zero || value > TimeSpan.FromDays(1))
            throw new InvalidOperationException($"{Section}:{key} must be a time span above zero and at most a day, e.g. 00:00:05; got '{text}'.");
        return value;
    }

    /// <summary>The wait after failed attempt number <paramref name="attempt"/> (1 = the first), before jitter.</summary>
    public TimeSpan DelayAfter(int attempt)
    {
        var exponent = Math.Clamp(attempt - 1, 0, 30);
        var ticks = Math.Min(First.Ticks * Math.Pow(2, exponent), Max.Ticks);
        return TimeSpan.FromTicks((long)ticks);
    }
}
