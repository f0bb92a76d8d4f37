using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Mlops.Clients.Resilience;

namespace Mlops.Clients.Minio;

/// <summary>Registers <see cref="IMinioStorage"/> from the <c>Minio</c> section, validated at start.</summary>
public static class MinioRegistrationExtensions
{
    public const string HttpClientName = "minio";

    public static IHostApplicationBuilder AddMinioClient(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<MinioClientOptions>().Bind(builder.Configuration.GetSection(MinioClientOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<MinioClientOptions>, MinioClientOptionsValidation>();
        services.AddOutsideCallPipelines(OutsideSystem.Minio, provider =>
        {
            var options = provider.GetRequiredService<IOptions<MinioClientOptions>>().Value;
            return (options.Timeout, options.Resilience);
        });
        services.AddHttpClient(HttpClientName, http => http.Timeout = System.Threading.Timeout.InfiniteTimeSpan)
            // The SDK keeps its HttpClient for the process's life; recycled connections still follow DNS changes.
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                ConnectTimeout = TimeSpan.FromSeconds(10),
            })
            .AddHttpMessageHandler(provider => OutsideCallPipelines.Handler(provider, OutsideSystem.Minio));
        services.AddSingleton<IMinioStorage>(provider =>
        {
            var factory = provider.GetRequiredService<IHttpClientFactory>();
            return new MinioStorage(provider.GetRequiredService<IOptions<MinioClientOptions>>().Value, () => factory.CreateClient(HttpClientName));
        });
        return builder;
    }
}
