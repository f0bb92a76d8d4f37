using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Mlops.Clients.Resilience;
using Polly;
using Polly.Registry;

namespace Mlops.Clients.Kubernetes;

/// <summary>Registers <see cref="IKubernetesClient"/> from the <c>Kubernetes</c> section, validated at start.</summary>
public static class KubernetesRegistrationExtensions
{
    public static IHostApplicationBuilder AddKubernetesClient(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<KubernetesClientOptions>().Bind(builder.Configuration.GetSection(KubernetesClientOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<KubernetesClientOptions>, KubernetesClientOptionsValidation>();
        services.AddOutsideCallPipelines(OutsideSystem.Kubernetes, provider =>
        {
            var options = provider.GetRequiredService<IOptions<KubernetesClientOptions>>().Value;
            return (options.Timeout, options.Resilience);
        });
        services.AddSingleton<IKubernetesClient>(Create);
        return builder;
    }

    private static KubernetesClient Create(IServiceProvider provider)
    {
        var options = provider.GetRequiredService<IOptions<KubernetesClientOptions>>().Value;
        var pipelines = provider.GetRequiredService<ResiliencePipelineProvider<string>>();
        var api = pipelines.GetPipeline<HttpResponseMessage>(OutsideSystem.Kubernetes);
        var proxy = pipelines.GetPipeline<HttpResponseMessage>(OutsideCallPipelines.WithoutBreaker(OutsideSystem.Kubernetes));
        // Watches stay open for minutes and end by themselves; an attempt timeout or retry would only cut them.
        var handler = new ResilienceHandler(request =>
            KubernetesRequestKind.IsWatch(request) ? ResiliencePipeline<HttpResponseMessage>.Empty
            : KubernetesRequestKind.IsServiceProxy(request) ? proxy
            : api);
        var (configuration, source) = KubernetesConnection.Build(options);
        var defaultNamespace = KubernetesConnection.DefaultNamespace(options, configuration);
        provider.GetRequiredService<ILogger<KubernetesClient>>()
            .LogInformation("Kubernetes API at {Server} through {Source}; default namespace {Namespace}", configuration.Host, source, defaultNamespace);
        return new KubernetesClient(new k8s.Kubernetes(configuration, handler), defaultNamespace);
    }
}
