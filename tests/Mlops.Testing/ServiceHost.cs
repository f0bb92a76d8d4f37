using System.Diagnostics.Metrics;
using MassTransit;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Mlops.Testing;

/// <summary>
/// One service's real Program, hosted in the test process against the real broker, with its logs captured and the
/// process-wide meter factory. Settings are given as configuration keys (<c>SagaStore:Provider</c>, <c>Sagas:StepRetry:First</c>, …);
/// without <c>SagaStore</c> settings the host keeps its SQLite store in a temporary folder of its own.
/// </summary>
public sealed class ServiceHost<TEntryPoint> : WebApplicationFactory<TEntryPoint>, IServiceHost
    where TEntryPoint : class
{
    private readonly Uri _rabbitMqUrl;
    private readonly Dictionary<string, string?> _settings;
    private readonly Action<IServiceCollection>? _configureServices;
    private readonly SqliteStoreFile? _store;

    public ServiceHost(Uri rabbitMqUrl, IEnumerable<KeyValuePair<string, string?>>? settings = null, Action<IServiceCollection>? configureServices = null)
    {
        ArgumentNullException.ThrowIfNull(rabbitMqUrl);
        _rabbitMqUrl = rabbitMqUrl;
        _settings = new Dictionary<string, string?>(settings ?? [], StringComparer.OrdinalIgnoreCase);
        _configureServices = configureServices;
        if (!_settings.Keys.Any(k => k.StartsWith("SagaStore:", StringComparison.OrdinalIgnoreCase)))
        {
            _store = SqliteStoreFile.Create("mlops-host");
            foreach (var (key, value) in _store.Settings())
                _settings[key] = value;
        }
    }

    public CapturedLogs Logs { get; } = new();

    public IBus Bus => Services.GetRequiredService<IBus>();

    public IEndpointNameFormatter EndpointNames => Services.GetRequiredService<IEndpointNameFormatter>();

    /// <summary>Builds and starts the host (the factory starts it on first use); returns this for chaining.</summary>
    public ServiceHost<TEntryPoint> Start()
    {
        _ = Services;
        return this;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("RABBITMQ_URL", _rabbitMqUrl.ToString());
        foreach (var (key, value) in _settings)
            builder.UseSetting(key, value);
        // Only the captured logs: the JSON console of every host would bury the test output.
        builder.ConfigureLogging(logging => logging.ClearProviders().AddProvider(Logs));
        builder.ConfigureServices(services =>
        {
            services.AddSingleton<IMeterFactory, HostMeterFactory>();
            _configureServices?.Invoke(services);
        });
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_store is not null)
            await _store.DisposeAsync();
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
