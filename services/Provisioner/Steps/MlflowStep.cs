using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Mlops.Clients.Mlflow;
using Mlops.Clients.Mlflow.Model;
using Mlops.Contracts;
using Refit;

namespace Mlops.Provisioner.Steps;

/// <summary>
/// MLflow reachable; and, when the stack asks for it and the server has the webhook API (MLflow 3), the ModelPromoter's
/// webhook registered, or updated when its URL, events or secret changed, then proven with MLflow's test delivery.
/// </summary>
public sealed class MlflowStep(IMlflowApi mlflow, SecretValues secrets, IOptions<ProvisionerOptions> options, ILogger<MlflowStep> logger) : IStackStep
{
    public const string Active = "ACTIVE";

    /// <summary>The webhook's name in MLflow, by which a lost registration is found again.</summary>
    public static string WebhookName(string stackName) => $"mlops-{stackName}-model-promoter";

    public async Task RunAsync(StackStepRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var version = await mlflow.DetectServerVersionAsync(run.CancellationToken);
        if (run.Stack.Mlflow.Webhook is not { } webhook)
            return;
        if (version.Major < 3 || !await mlflow.HasWebhookApiAsync(run.CancellationToken))
        {
            logger.LogInformation("MLflow {Version} has no webhook API: the webhook to the ModelPromoter of stack {StackName} is skipped; " +
                                  "it learns of new versions from MinIO's notifications and the registry", version, run.Stack.StackName);
            return;
        }
        var url = options.Value.PromoterWebhookUrl
                  ?? throw StackStepRun.Fail($"the stack asks for MLflow's webhook to the ModelPromoter but {ProvisionerOptions.Section}:PromoterWebhookUrl is not set: set it to the ModelPromoter's webhook address");
        var secret = await secrets.ReadAsync(run.Stack.Namespace, webhook.SecretName, webhook.SecretKey, run.CancellationToken);
        var events = webhook.Events.Select(EventOf).ToList();
        var name = WebhookName(run.Stack.StackName);
        var saga = run.Saga;

        var existing = saga.WebhookId is { } id ? await mlflow.FindWebhookAsync(id, run.CancellationToken) : null;
        existing ??= await FindByNameAsync(name, run);
        if (existing is null)
        {
            if (!run.Applies)
                throw run.NotAsDescribed($"the webhook {name} to the ModelPromoter is not registered in MLflow");
            var created = await RegisterAsync(url, () => mlflow.CreateWebhookAsync(new CreateWebhookRequest
            {
                Name = name,
                Description = $"New model versions and alias changes of stack {run.Stack.StackName}, for the ModelPromoter",
                Url = url.AbsoluteUri,
                Events = events,
                Secret = secret,
                Status = Active,
            }, run.CancellationToken));
            saga.WebhookId = created.Webhook.WebhookId;
            saga.WebhookSecretHash = WebhookSecretHash.Of(secret);
            saga.WebhookProven = false;
            run.Changed(run.Reconciling ? $"the MLflow webhook {name} was missing; registered again" : $"MLflow webhook {name} registered");
        }
        else
        {
            saga.WebhookId = existing.WebhookId;
            var differs = Differences(existing, url, events, saga.WebhookSecretHash, secret);
            if (differs.Count > 0)
            {
                if (!run.Applies)
                    throw run.NotAsDescribed($"the MLflow webhook {name} has another {string.Join(", ", differs)}");
                await RegisterAsync(url, () => mlflow.UpdateWebhookAsync(existing.WebhookId, new UpdateWebhookRequest
                {
                    Url = url.AbsoluteUri,
                    Events = events,
                    Secret = differs.Contains("secret") ? secret : null,
                    Status = Active,
                }, run.CancellationToken));
                saga.WebhookSecretHash = differs.Contains("secret") ? WebhookSecretHash.Of(secret) : saga.WebhookSecretHash;
                saga.WebhookProven = false;
                run.Changed($"the MLflow webhook {name} had another {string.Join(", ", differs)}; updated");
            }
        }
        if (!saga.WebhookProven)
        {
            await ProveAsync(saga.WebhookId!, events[0], url, run);
            saga.WebhookProven = true;
        }
    }

    /// <summary>MLflow's names of a stack event: <c>model_version.created</c> is entity <c>MODEL_VERSION</c>, action <c>CREATED</c>.</summary>
    public static MlflowWebhookEvent EventOf(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var dot = name.IndexOf('.', StringComparison.Ordinal);
        return new MlflowWebhookEvent { Entity = name[..dot].ToUpperInvariant(), Action = name[(dot + 1)..].ToUpperInvariant() };
    }

    private static List<string> Differences(MlflowWebhook existing, Uri url, List<MlflowWebhookEvent> events, string? secretHash, string secret)
    {
        var differs = new List<string>();
        if (!Uri.TryCreate(existing.Url, UriKind.Absolute, out var registered) || registered != url)
            differs.Add("URL");
        static string Key(MlflowWebhookEvent e) => $"{e.Entity}.{e.Action}".ToUpperInvariant();
        if (!existing.Events.Select(Key).ToHashSet().SetEquals(events.Select(Key)))
            differs.Add("event list");
        if (!string.Equals(existing.Status, Active, StringComparison.OrdinalIgnoreCase))
            differs.Add("status");
        if (!WebhookSecretHash.Matches(secretHash, secret))
            differs.Add("secret");
        return differs;
    }

    private async Task<MlflowWebhook?> FindByNameAsync(string name, StackStepRun run)
    {
        string? token = null;
        do
        {
            var page = await mlflow.ListWebhooksAsync(100, token, run.CancellationToken);
            if (page.Webhooks.FirstOrDefault(w => w.Name == name) is { } found)
                return found;
            token = page.NextPageToken;
        }
        while (!string.IsNullOrEmpty(token));
        return null;
    }

    private static async Task<WebhookResponse> RegisterAsync(Uri url, Func<Task<WebhookResponse>> call)
    {
        try
        {
            return await call();
        }
        catch (ApiException ex) when (ex.Is(MlflowErrorCode.InvalidParameterValue) && ex.MlflowError()?.Message is { } message
                                      && message.Contains("URL", StringComparison.OrdinalIgnoreCase))
        {
            var setting = message.Contains("scheme", StringComparison.OrdinalIgnoreCase)
                ? $"allow {url.Scheme} with MLFLOW_WEBHOOK_ALLOWED_SCHEMES (e.g. http,https)"
                : message.Contains("IP address", StringComparison.OrdinalIgnoreCase) || message.Contains("resolve", StringComparison.OrdinalIgnoreCase)
                    ? "allow private addresses with MLFLOW_WEBHOOK_ALLOW_PRIVATE_IPS=true"
                    : "allow the URL";
            throw StackStepRun.Fail($"MLflow refused the webhook URL {url.AbsoluteUri}: {message} On the MLflow server, {setting}, or use a public https URL");
        }
    }

    private async Task ProveAsync(string webhookId, MlflowWebhookEvent sample, Uri url, StackStepRun run)
    {
        var result = (await mlflow.TestWebhookAsync(webhookId, new TestWebhookRequest { Event = sample }, run.CancellationToken)).Result;
        if (result.Success)
            return;
        var answer = result.ResponseStatus is { } status ? $"HTTP {status}" : result.ErrorMessage ?? "no answer";
        // A receiver that is not up yet may be soon; one that answers 4xx refuses what MLflow sends and will keep doing so.
        if (result.ResponseStatus is >= 400 and < 500 and not 408 and not 429)
            throw StackStepRun.Fail($"MLflow's test delivery to the ModelPromoter at {url.AbsoluteUri} was refused ({answer}): check that it verifies with the same secret");
        throw StackStepRun.NotYet($"MLflow's test delivery to the ModelPromoter at {url.AbsoluteUri} failed ({answer})");
    }
}
