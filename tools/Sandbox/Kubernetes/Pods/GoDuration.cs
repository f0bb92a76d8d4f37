using System.Globalization;

namespace Mlops.Sandbox.Kubernetes.Pods;

/// <summary>Durations written as Go's <c>time.Duration.String</c> writes them (<c>10s</c>, <c>1m20s</c>, <c>5m0s</c>, <c>100ms</c>), as kubelet messages show them.</summary>
public static class GoDuration
{
    public static string Format(TimeSpan duration)
    {
        if (duration <= TimeSpan.Zero)
            return "0s";
        if (duration < TimeSpan.FromSeconds(1))
        {
            var ms = duration.TotalMilliseconds;
            return ms >= 1 ? $"{Trim(ms)}ms" : $"{Trim(duration.TotalMicroseconds)}µs";
        }
        var hours = (long)duration.TotalHours;
        var minutes = duration.Minutes;
        var seconds = duration.TotalSeconds - (hours * 3600) - (minutes * 60);
        if (hours > 0)
            return $"{hours}h{minutes}m{Trim(seconds)}s";
        if (minutes > 0)
            return $"{minutes}m{Trim(seconds)}s";
        return $"{Trim(seconds)}s";
    }

    private static string Trim(double value) => Math.Round(value, 6).ToString("0.######", CultureInfo.InvariantCulture);
}
