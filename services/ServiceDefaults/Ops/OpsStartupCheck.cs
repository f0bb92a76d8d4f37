using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Mlops.ServiceDefaults.Ops;

/// <summary>Reads the ops tokens at start-up, so a malformed one stops the service, and says who may use the ops API.</summary>
internal sealed class OpsStartupCheck(OpsTokens tokens, OpsSagaTypes types, ILogger<OpsStartupCheck> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (tokens.Owners.Count == 0)
            logger.LogWarning("No ops tokens configured (Ops:Tokens:<name> or Ops:TokenDirectory): every ops API request is refused with 401");
        else
            logger.LogInformation("Ops API open to the tokens of {Owners}, for saga types {SagaTypes}", string.Join(", ", tokens.Owners),
                types.Names.Count == 0 ? "(none)" : string.Join(", ", types.Names));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
