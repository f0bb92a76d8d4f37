using System.Net;
using Mlops.Testing;

namespace Mlops.ServiceDefaults.Tests.Broker;

/// <summary>What a service process's health endpoints answer right now.</summary>
public static class Probes
{
    /// <summary>The status of <paramref name="path"/> (<c>health/ready</c>, <c>health/live</c>), or null when nothing answers.</summary>
    public static async Task<HttpStatusCode?> StatusAsync(ServiceProcess service, string path)
    {
        ArgumentNullException.ThrowIfNull(service);
        try
        {
            using var response = await service.Http.GetAsync(new Uri(path, UriKind.Relative));
            return response.StatusCode;
        }
        catch (HttpRequestException)
        {
            return null;
        }
        catch (TaskCanceledException)
        {
            return null;
        }
    }

    /// <summary>
    /// Waits until readiness answers 200 again and returns how long that took: the time from the broker being back to the
    /// service taking traffic again.
    /// </summary>
    public static async Task<TimeSpan> TimeUntilReadyAsync(ServiceProcess service, TimeSpan timeout)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await Eventually.HoldsAsync(async () => await StatusAsync(service, "health/ready") == HttpStatusCode.OK,
            $"{service.Project} ready again", timeout, TimeSpan.FromMilliseconds(100));
        return clock.Elapsed;
    }
}
