using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Mlops.Clients.Mlflow;
using OpenTelemetry.Metrics;

namespace Mlops.Clients.Tests;

/// <summary>A service that wires OpenTelemetry and Prometheus as the services do shows each breaker's state at <c>/metrics</c>.</summary>
/// <remarks>Alone in its collection: an exporter listens to meters by name, so other tests' hosts would add their series.</remarks>
[Collection(ProcessWideMetrics.Name)]
public sealed class When_metrics_are_scraped
{
    [Fact]
    public async Task Should_show_the_circuit_state_gauge_per_system_before_any_call()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Configuration["Mlflow:Url"] = "http://127.0.0.1:1";
        builder.Services.AddOpenTelemetry().WithMetrics(m => m.AddPrometheusExporter());
        builder.AddMlflowClient();
        await using var app = builder.Build();
        app.MapPrometheusScrapingEndpoint("/metrics");
        await app.StartAsync();
        var url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        using var http = new HttpClient();

        var metrics = await http.GetStringAsync($"{url}/metrics");

        var line = metrics.Split('\n').SingleOrDefault(l => l.StartsWith("mlops_outside_circuit_state{", StringComparison.Ordinal) && l.Contains("system=\"mlflow\"", StringComparison.Ordinal));
        Assert.True(line is not null, metrics);
        // "name{labels} value [timestamp]": a closed breaker reads 0.
        Assert.Equal("0", line[(line.IndexOf("} ", StringComparison.Ordinal) + 2)..].Split(' ')[0]);
        await app.StopAsync();
    }
}
