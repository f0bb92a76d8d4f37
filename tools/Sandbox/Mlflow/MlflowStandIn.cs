using Mlops.Sandbox.Cluster;
using Mlops.Sandbox.Control;
using Mlops.Sandbox.Hosting;
using Mlops.Sandbox.Programs;

namespace Mlops.Sandbox.Mlflow;

/// <summary>
/// MLflow's tracking server and model registry REST API, with MLflow 3 webhooks and logged models. While an MLflow pod
/// in the Kubernetes stand-in backs the stand-in's in-cluster address, that pod's webhook URL rules apply.
/// </summary>
public sealed class MlflowStandIn : StandIn
{
    public MlflowStandIn(SandboxContext context, ClusterAddresses cluster)
    {
        var options = MlflowOptions.From(context.SectionOf("mlflow"));
        Server = new MlflowServer(options, TimeProvider.System,
            () => cluster.BackingProcess(this) is MlflowServerProcess pod ? pod.WebhookUrls : options.WebhookUrls);
    }

    public override string Name => "mlflow";

    public MlflowServer Server { get; }

    protected internal override void MapRoutes(WebApplication app) => app.MapMlflowApi(Server);

    /// <summary>Groups are the API's areas (<c>runs</c>, <c>registered-models</c>, <c>model-versions</c>, <c>webhooks</c> …), resources its methods.</summary>
    protected internal override SandboxRequest? Describe(HttpContext http)
    {
        var path = http.Request.Path.Value ?? "/";
        var verb = http.Request.Method.ToLowerInvariant();
        if (!path.StartsWith(MlflowApi.Prefix + "/", StringComparison.Ordinal))
            return new SandboxRequest(verb, Group: "", Resource: path.TrimStart('/'), Namespace: null, Name: null);
        var parts = path[(MlflowApi.Prefix.Length + 1)..].Split('/', 2);
        var query = http.Request.Query;
        var name = query["name"].FirstOrDefault() ?? query["run_id"].FirstOrDefault() ?? query["experiment_name"].FirstOrDefault();
        return new SandboxRequest(verb, Group: parts[0], Resource: parts.Length > 1 ? parts[1] : "", Namespace: null, Name: name);
    }

    protected internal override Task WriteFaultAsync(HttpContext http, int statusCode, string message)
    {
        var error = new MlflowException(MlflowErrorCode.OfStatus(statusCode), message);
        return MlflowApi.WriteErrorAsync(http, error, statusCode);
    }

    public override async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        await base.DisposeAsync();
    }
}
