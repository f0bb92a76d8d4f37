using System.Text.Json;
using Mlops.ModelPromoter.Tests.Promotion;

namespace Mlops.ModelPromoter.Tests.Triggers;

/// <summary>An MLflow 3 webhook to the promoter registered in the MLflow stand-in, as the Provisioner registers it; removed at the end.</summary>
public sealed class MlflowWebhook : IAsyncDisposable
{
    public const string Secret = "whsec-promoter-tests-0123456789";

    private readonly RegistrySeed _registry;

    private MlflowWebhook(RegistrySeed registry, string id)
    {
        _registry = registry;
        Id = id;
    }

    public string Id { get; }

    public static async Task<MlflowWebhook> CreateAsync(PromoterRig rig)
    {
        var created = await rig.Registry.PostAsync("webhooks", new
        {
            name = $"model-promoter-{Guid.NewGuid():N}",
            url = new Uri(rig.Url!, "webhooks/mlflow").ToString(),
            secret = Secret,
            events = new[]
            {
                new { entity = "model_version", action = "created" },
                new { entity = "model_version_alias", action = "created" },
                new { entity = "model_version_alias", action = "deleted" },
            },
        });
        return new MlflowWebhook(rig.Registry, created.GetProperty("webhook").GetProperty("webhook_id").GetString()!);
    }

    /// <summary>MLflow's test delivery; its result as MLflow reports it.</summary>
    public async Task<JsonElement> TestAsync() =>
        (await _registry.PostAsync($"webhooks/{Id}/test", new { @event = new { entity = "MODEL_VERSION", action = "CREATED" } })).GetProperty("result");

    public async ValueTask DisposeAsync() => await _registry.DeleteAsync($"webhooks/{Id}");
}
