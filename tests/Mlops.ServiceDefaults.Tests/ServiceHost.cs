using System.Diagnostics.Metrics;
using MassTransit;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Mlops.ServiceDefaults.Tests;

/// <summary>One service's real Program, hosted in the test process against the real broker.</summary>
public sealed class ServiceHost<TEntryPoint>(Uri rabbitMqUrl) : WebApplicationFactory<TEntryPoint>, IServiceHost
    where TEntryPoint : class
{
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("mlops-host-").FullName;

    public CapturedLogs Logs { get; } = new();

    public IBus Bus => Services.GetRequiredService<IBus>();

    public IEndpointNameFormatter EndpointNames => Services.GetRequiredService<IEndpointNameFormatter>();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("RABBITMQ_URL", rabbitMqUrl.ToString());
        builder.UseSetting("SagaStore:DataDirectory", _dataDirectory);
        // Only the captured logs: the JSON console of every host would bury the test output.
        builder.ConfigureLogging(logging => logging.ClearProviders().AddProvider(Logs));
        builder.ConfigureServices(services => services.AddSingleton<IMeterFactory>(ProcessMeterFactory.Instance));
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Directory.Delete(_dataDirectory, recursive: true);
    }

    /// <summary>GET a path and return the body.</summary>
    public async Task<string> GetStringAsync(string path)
    {
        using var client = CreateClient();
        return await client.GetStringAsync(path);
    }

    /// <summary>GET a path and return the status code, e.g. 200 or 503 for /health/ready.</summary>
    public async Task<int> StatusOfAsync(string path)
    {
        using var client = CreateClient();
        using var response = await client.GetAsync(path);
        return (int)response.StatusCode;
    }
}
