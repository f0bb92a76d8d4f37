namespace Mlops.Sandbox.Mlflow;

/// <summary>The state of the MLflow stand-in: tracking, registry and webhooks, shared by its API and the training hook.</summary>
public sealed class MlflowServer : IAsyncDisposable
{
    /// <param name="webhookUrls">The webhook URL rules of the server now; the options' rules when null.</param>
    public MlflowServer(MlflowOptions options, TimeProvider time, Func<WebhookUrlPolicy>? webhookUrls = null)
    {
        Options = options;
        var urls = webhookUrls ?? (() => options.WebhookUrls);
        Tracking = new TrackingStore(time, options.DefaultArtifactRoot);
        Webhooks = new WebhookRegistry(time, urls);
        Deliveries = new WebhookDispatcher(Webhooks, options, urls, time);
        Registry = new ModelRegistry(time, options, Deliveries);
    }

    public MlflowOptions Options { get; }

    public TrackingStore Tracking { get; }

    public ModelRegistry Registry { get; }

    public WebhookRegistry Webhooks { get; }

    public WebhookDispatcher Deliveries { get; }

    public async ValueTask DisposeAsync()
    {
        Registry.Dispose();
        await Deliveries.DisposeAsync();
    }
}
