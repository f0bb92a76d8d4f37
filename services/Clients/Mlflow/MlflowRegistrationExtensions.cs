using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Mlops.Clients.Resilience;
using Refit;

namespace Mlops.Clients.Mlflow;

/// <summary>Registers <see cref="IMlflowApi"/> from the <c>Mlflow</c> section, validated at start.</summary>
public static class MlflowRegistrationExtensions
{
    public static IHostApplicationBuilder AddMlflowClient(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<MlflowClientOptions>().Bind(builder.Configuration.GetSection(MlflowClientOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<MlflowClientOptions>, MlflowClientOptionsValidation>();
        services.AddOutsideCallPipelines(OutsideSystem.Mlflow, provider =>
        {
            var options = provider.GetRequiredService<IOptions<MlflowClientOptions>>().Value;
            return (options.Timeout, options.Resilience);
        }, MlflowCreates.IsRepeatable);
        services.AddTransient<MlflowAuthentication>();
        services.AddRefitGeneratedClient<IMlflowApi>(new RefitSettings
            {
                ContentSerializer = new SystemTextJsonContentSerializer(MlflowJson.Options),
                // An open breaker, a timeout or a refused connection surfaces as itself, not wrapped by Refit, so the
                // shared transient-error rule and callers see the official exception.
                TransportExceptionFactory = (_, exception, _) => exception,
            })
            .ConfigureHttpClient((provider, http) =>
            {
                var url = provider.GetRequiredService<IOptions<MlflowClientOptions>>().Value.Url
                          ?? throw new InvalidOperationException($"{MlflowClientOptions.Section}:Url is required.");
                http.BaseAddress = url;
                // The pipeline bounds every attempt and the whole call; HttpClient's own 100 s would only cut it differently.
                http.Timeout = System.Threading.Timeout.InfiniteTimeSpan;
            })
            .AddHttpMessageHandler(provider => OutsideCallPipelines.Handler(provider, OutsideSystem.Mlflow))
            .AddHttpMessageHandler<MlflowAuthentication>();
        return builder;
    }
}
