using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Mlops.ServiceDefaults.Ops;

/// <summary>Registers what the ops API needs: tokens, the secret mask, the saga types, the command outbox.</summary>
public static class OpsApiExtensions
{
    public static IHostApplicationBuilder AddOpsApi(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var registrations = builder.Services;
        var configuration = builder.Configuration;
        builder.Services.AddSingleton(_ => OpsTokens.From(configuration));
        builder.Services.AddSingleton(sp => SecretMask.From(configuration, sp.GetRequiredService<OpsTokens>()));
        builder.Services.AddSingleton(sp => OpsSagaTypes.From(registrations, sp));
        builder.Services.AddSingleton<OpsCommandOutbox>();
        builder.Services.AddHostedService<OpsStartupCheck>();
        return builder;
    }
}
