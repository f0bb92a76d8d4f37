using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Minio.DataModel.Args;
using Mlops.Sandbox.Control;
using Mlops.Sandbox.Kubernetes.Controllers;
using Xunit;

namespace Mlops.Testing.Chart;

/// <summary>
/// One chart configuration (a <c>ci/*-values.yaml</c>) live on the sandbox: its RBAC applied as the chart applies it, the
/// three services as real processes with their ServiceAccounts' tokens on a vhost of their own, each with the store the
/// values choose (SQLite, or one PostgreSQL schema shared by <c>&lt;service&gt;.replicas</c> processes), and ops API clients
/// as mlopsctl uses them. Every secret of the run (ops token, webhook secret, MinIO keys) is made for this run alone, so
/// a scan for <see cref="Secrets"/> finds nothing but a leak.
/// </summary>
public sealed class ChartRun : IAsyncDisposable
{
    public const string StackName = "homelab";

    /// <summary>Where the stack keeps its Secrets and trains (the stack file's <c>namespace</c>).</summary>
    public const string StackNamespace = "mlflow";

    /// <summary>Where the ModelPromoter serves: <c>modelPromoter.namespaces</c> of the ci files.</summary>
    public const string ServingNamespace = "serving";

    /// <summary>A pullable training image; the sandbox's training hook acts out its <c>python train.py</c>.</summary>
    public const string TrainingImage = "ghcr.io/mlops-control-plane/cnn-train:1.0.0";

    /// <summary>An image nothing can pull (the reserved <c>.invalid</c> domain), for rollouts and Jobs that never start.</summary>
    public const string UnpullableImage = "registry.invalid/mlops/never:1";

    /// <summary>An MLmodel whose flavour the ModelPromoter serves with <see cref="UnpullableImage"/>: a rollout that fails.</summary>
    public const string SklearnMlmodel = "artifact_path: model\nflavors:\n  python_function:\n    loader_module: mlflow.sklearn\n    python_version: 3.10.16\n  sklearn:\n    sklearn_version: 1.5.2\nmlflow_version: 2.21.3\n";

    /// <summary>MLflow's own image, without boto3: its model server exits on S3 artifacts (a crash loop with a log to read).</summary>
    public const string UpstreamImage = "ghcr.io/mlflow/mlflow:v2.21.3";

    /// <summary>An MLmodel whose flavour the ModelPromoter serves with <see cref="UpstreamImage"/>: a server that crashes.</summary>
    public const string KerasMlmodel = "artifact_path: model\nflavors:\n  python_function:\n    loader_module: mlflow.tensorflow\n    python_version: 3.10.16\n  keras:\n    keras_version: 3.6.0\nmlflow_version: 2.21.3\n";

    private const string ReaderKey = "promoter-reader";
    private const string PodsKey = "mlflow-pods";
    private const string Exchange = "mlops-minio-events";

    /// <summary>The values blocks of the three services, in the order they start.</summary>
    public static readonly IReadOnlyList<string> Services = ["modelPromoter", "provisioner", "trainingCoordinator"];

    private readonly string _opsToken = RunSecret("ops-token");
    private readonly string _webhookSecret = RunSecret("webhook");
    private readonly string _readerSecret = RunSecret("promoter-reader");
    private readonly string _podsSecret = RunSecret("pods");
    private readonly string _rootPassword = RunSecret("minio-root");
    private readonly ChartRunOptions _options;

    private readonly List<IAsyncDisposable> _owned = [];
    private readonly Dictionary<string, List<ServiceProcess>> _processes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HttpClient> _ops = new(StringComparer.Ordinal);

    private ChartRun(string scenario, ChartValues values, IReadOnlyList<ChartRole> roles, ChartRunOptions options)
    {
        _options = options;
        Scenario = scenario;
        Values = values;
        Roles = roles;
    }

    public string Scenario { get; }

    public ChartValues Values { get; }

    /// <summary>The Roles as installed, by values block.</summary>
    public IReadOnlyList<ChartRole> Roles { get; }

    public SandboxFixture Sandbox { get; private set; } = null!;

    public bool Components => Values.Bool("provisioner.components.enabled");

    public bool Argo => Values.Bool("trainingCoordinator.argo.enabled");

    /// <summary>The vhost the services and the sandbox's MinIO events use.</summary>
    public RabbitMqVirtualHost Vhost => _owned.OfType<RabbitMqVirtualHost>().First();

    /// <summary>The values that must never appear outside a Secret: the ops token, the webhook secret, the MinIO keys' secrets and an own broker's password.</summary>
    public IReadOnlyList<string> Secrets => _options.Broker is { } broker
        ? [_opsToken, _webhookSecret, _readerSecret, _podsSecret, _rootPassword, broker.Password]
        : [_opsToken, _webhookSecret, _readerSecret, _podsSecret, _rootPassword];

    /// <summary>Each service's SQLite file or PostgreSQL schema, by values block.</summary>
    public IReadOnlyDictionary<string, IAsyncDisposable> Stores => _stores;

    private readonly Dictionary<string, IAsyncDisposable> _stores = new(StringComparer.Ordinal);

    /// <summary>Starts everything for <paramref name="scenario"/> (a <c>ci/*-values.yaml</c>), changed by <paramref name="options"/>.</summary>
    public static async Task<ChartRun> StartAsync(string scenario, ChartRunOptions? options = null)
    {
        options ??= new ChartRunOptions();
        var values = ChartValues.Load(scenario);
        var roles = Services.Select(s => ChartRole.For(s, values)).Select(r => options.EditRole?.Invoke(r) ?? r).ToList();
        var run = new ChartRun(scenario, values, roles, options);
        try
        {
            await run.StartAsync();
        }
        catch
        {
            await run.DisposeAsync();
            throw;
        }
        return run;
    }

    private async Task StartAsync()
    {
        var vhost = await RabbitMqVirtualHost.CreateAsync("rbac", _options.Broker);
        _owned.Add(vhost);
        var queueDir = Directory.CreateTempSubdirectory("rbac-minio-queue-").FullName;
        var sandbox = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["Sandbox:s3:RootPassword"] = _rootPassword,
            [$"Sandbox:s3:Users:{PodsKey}"] = _podsSecret,
            [$"Sandbox:s3:ReadOnlyUsers:{ReaderKey}"] = _readerSecret,
            // A Workflow runs for seconds, so a running one can be cancelled (one with an unpullable image fails at once).
            ["Sandbox:Kubernetes:WorkflowPhaseDuration"] = "00:00:02",
        };
        if (!Components)
        {
            // The homelab's MinIO has the AMQP target MLOPS; with components the in-cluster MinIO brings its own.
            sandbox["Sandbox:s3:MINIO_NOTIFY_AMQP_ENABLE_MLOPS"] = "on";
            sandbox["Sandbox:s3:MINIO_NOTIFY_AMQP_URL_MLOPS"] = vhost.AmqpUrl.ToString();
            sandbox["Sandbox:s3:MINIO_NOTIFY_AMQP_EXCHANGE_MLOPS"] = Exchange;
            sandbox["Sandbox:s3:MINIO_NOTIFY_AMQP_EXCHANGE_TYPE_MLOPS"] = "fanout";
            sandbox["Sandbox:s3:MINIO_NOTIFY_AMQP_DURABLE_MLOPS"] = "on";
            sandbox["Sandbox:s3:MINIO_NOTIFY_AMQP_DELIVERY_MODE_MLOPS"] = "2";
            sandbox["Sandbox:s3:MINIO_NOTIFY_AMQP_QUEUE_DIR_MLOPS"] = queueDir;
        }
        foreach (var (key, value) in _options.SandboxSettings)
            sandbox[key] = value;
        Sandbox = await SandboxFixture.StartAsync(sandbox);
        _owned.Add(Sandbox);
        if (!Components)
            await Sandbox.Minio.MakeBucketAsync(new MakeBucketArgs().WithBucket("mlflow"));
        var tokens = await ChartInstall.ApplyAsync(Sandbox.Kubernetes, Roles);

        var common = new Dictionary<string, string?>
        {
            ["RABBITMQ_URL"] = vhost.AmqpUrl.ToString(),
            ["RabbitMq:QuorumQueues"] = Values.Bool("rabbitmq.quorumQueues") ? "true" : "false",
            ["Ops:Tokens:rbac"] = _opsToken,
            ["Kubernetes:Server"] = Sandbox.KubernetesUrl.ToString(),
            ["Mlflow:Url"] = Sandbox.MlflowUrl.ToString(),
            ["SagaStore:SweepInterval"] = "00:00:00.100",
            ["Sagas:StepRetry:First"] = "00:00:00.200",
            ["Sagas:StepRetry:Max"] = "00:00:01",
        };
        var promoter = With("modelPromoter", common, tokens["modelPromoter"], ServingNamespace, new()
        {
            ["Minio:Endpoint"] = Sandbox.S3Url.GetLeftPart(UriPartial.Authority),
            ["Minio:AccessKey"] = ReaderKey,
            ["Minio:SecretKey"] = _readerSecret,
            ["ModelPromoter:Webhook:Secret"] = _webhookSecret,
            ["ModelPromoter:Policies:Default:Namespace"] = ServingNamespace,
            ["ModelPromoter:Policies:Default:Resources:CpuRequest"] = "50m",
            ["ModelPromoter:Policies:Default:Resources:MemoryRequest"] = "64Mi",
            ["ModelPromoter:Serving:Images:sklearn"] = UnpullableImage,
            ["ModelPromoter:Serving:Images:keras"] = UpstreamImage,
            ["ModelPromoter:Serving:StartupTimeout"] = "00:05:00",
            ["ModelPromoter:Serving:RolloutDeadline"] = "00:01:00",
            ["ModelPromoter:Serving:SmokeCheckDeadline"] = "00:00:20",
            ["ModelPromoter:Serving:WatcherResync"] = "00:00:02",
        }, Values.Strings("modelPromoter.namespaces"), "ModelPromoter:Serving:WatchNamespaces");
        await StartServiceAsync("modelPromoter", "Mlops.ModelPromoter", promoter);

        var provisioner = With("provisioner", common, tokens["provisioner"], StackNamespace, new()
        {
            ["Minio:Endpoint"] = Sandbox.S3Url.GetLeftPart(UriPartial.Authority),
            ["Minio:AccessKey"] = SandboxFixture.RootUser,
            ["Minio:SecretKey"] = _rootPassword,
            ["Provisioner:PromoterWebhookUrl"] = new Uri(_processes["modelPromoter"][0].BaseUrl, "webhooks/mlflow").ToString(),
            ["Provisioner:RolloutTimeout"] = "00:01:00",
            ["Provisioner:SecretTimeout"] = "00:00:30",
        }, Values.Strings("provisioner.namespaces"), "Provisioner:Namespaces");
        await StartServiceAsync("provisioner", "Mlops.Provisioner", provisioner);

        var coordinator = With("trainingCoordinator", common, tokens["trainingCoordinator"], StackNamespace, new()
        {
            ["Training:WatchWorkflows"] = Argo ? "true" : "false",
            ["Training:PodCheckInterval"] = "00:00:00.200",
            ["Training:ReadyPollInterval"] = "00:00:00.200",
            ["Training:WatchRetryDelay"] = "00:00:00.200",
        }, Values.Strings("trainingCoordinator.namespaces"), "Training:Namespaces");
        await StartServiceAsync("trainingCoordinator", "Mlops.TrainingCoordinator", coordinator);
    }

    private Dictionary<string, string?> With(string service, Dictionary<string, string?> common, string token, string ns,
        Dictionary<string, string?> own, IReadOnlyList<string> namespaces, string namespacesKey)
    {
        var settings = new Dictionary<string, string?>(common) { ["Kubernetes:Token"] = token, ["Kubernetes:Namespace"] = ns };
        foreach (var (key, value) in own)
            settings[key] = value;
        // The values' `<service>.env`, which the chart puts into the service's ConfigMap as environment variables.
        if (Values.At($"{service}.env") is JsonObject env)
        {
            foreach (var (name, value) in env)
                settings[name.Replace("__", ":", StringComparison.Ordinal)] = value?.ToString();
        }
        for (var i = 0; i < namespaces.Count; i++)
            settings[$"{namespacesKey}:{i}"] = namespaces[i];
        foreach (var (key, value) in _options.ServiceSettings)
            settings[key] = value;
        return settings;
    }

    // Random per run, and long enough that no other text contains it by chance.
    private static string RunSecret(string what) => $"{what}-{Guid.NewGuid():N}";

    // store.type postgres: one schema for all of a service's replicas; otherwise its SQLite file (one replica).
    private async Task StartServiceAsync(string service, string project, Dictionary<string, string?> settings)
    {
        var postgres = Values.String("store.type") == "postgres";
        IReadOnlyDictionary<string, string?> store;
        if (postgres)
        {
            var schema = await PostgresSchema.CreateAsync(ChartInstall.ServiceAccountOf(service).Replace('-', '_'));
            _owned.Add(schema);
            _stores[service] = schema;
            store = schema.Settings();
        }
        else
        {
            var file = SqliteStoreFile.Create(ChartInstall.ServiceAccountOf(service));
            _owned.Add(file);
            _stores[service] = file;
            store = file.Settings();
        }
        foreach (var (key, value) in store)
            settings[key] = value;
        var replicas = postgres ? Math.Max(1, Values.Int($"{service}.replicas")) : 1;
        var processes = new List<ServiceProcess>();
        _processes[service] = processes;
        for (var i = 0; i < replicas; i++)
            processes.Add(await ServiceProcess.StartAsync(project, settings, TimeSpan.FromSeconds(90)));
        var ops = new HttpClient { BaseAddress = processes[0].BaseUrl, Timeout = TimeSpan.FromSeconds(30) };
        ops.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _opsToken);
        _ops[service] = ops;
    }

    /// <summary>The processes of a service (values block name): one, or <c>replicas</c> on PostgreSQL.</summary>
    public IReadOnlyList<ServiceProcess> Processes(string service) => _processes[service];

    /// <summary>The ops API of a service (values block name), with the ops token.</summary>
    public HttpClient Ops(string service) => _ops[service];

    /// <summary>Every request the three services' accounts sent to the Kubernetes API.</summary>
    public IReadOnlyList<RequestRecord> ServiceRequests() =>
        Sandbox.Requests.Snapshot("kubernetes").Where(r => Services.Any(s => r.User == ChartInstall.UserOf(s))).ToList();

    /// <summary>What the ModelPromoter knows of models and promotions, and the failed sagas, for a failure message.</summary>
    public async Task<string> StateAsync()
    {
        var lines = new List<string>();
        foreach (var (service, path) in new[] { ("modelPromoter", "ops/models"), ("modelPromoter", "ops/promotions"), ("trainingCoordinator", "ops/sagas?state=Failed"), ("provisioner", "ops/sagas") })
        {
            try
            {
                using var answer = await Ops(service).GetAsync(path);
                lines.Add($"GET {service} {path}: {await answer.Content.ReadAsStringAsync()}");
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                lines.Add($"GET {service} {path}: {ex.Message}");
            }
        }
        return string.Join("\n", lines);
    }

    /// <summary>The last lines each process wrote, for a failure message.</summary>
    public string Output(int lines = 15) => string.Join("\n", _processes.SelectMany(p => p.Value.Select((process, i) =>
        $"--- {p.Key}[{i}] ---\n" + string.Join("\n", process.Output.TakeLast(lines)))));

    /// <summary>The stack file for this configuration: with components MinIO and MLflow in the cluster; and the serving namespace with its own Secret.</summary>
    public string StackFile(string? revision = null)
    {
        var text = File.ReadAllText(Path.Combine(TestEnvironment.RepositoryRoot, "stacks", Components ? "homelab-in-cluster.yaml" : "homelab.yaml"));
        var (accessKey, secretKey) = Components ? (SandboxFixture.RootUser, _rootPassword) : (PodsKey, _podsSecret);
        if (Components)
            text = text.Replace(SealedSecretController.Seal("amqp://guest:guest@127.0.0.1:5672/"), SealedSecretController.Seal(Vhost.AmqpUrl.ToString()), StringComparison.Ordinal);
        // The stack files' sealed secrets, sealed again with this run's own values.
        text = text.Replace(SealedSecretController.Seal("sandbox-webhook-signing-secret"), SealedSecretController.Seal(_webhookSecret), StringComparison.Ordinal)
            .Replace(SealedSecretController.Seal("sandbox-pods-secret-key"), SealedSecretController.Seal(_podsSecret), StringComparison.Ordinal);
        text = Regex.Replace(text, $"((?:AWS_SECRET_ACCESS_KEY|MINIO_ROOT_PASSWORD): ){Regex.Escape(SealedSecretController.Seal(SandboxFixture.RootPassword))}",
            "${1}" + SealedSecretController.Seal(_rootPassword));
        // A secretKeyRef reaches only its own namespace: the serving namespace gets the stack's S3 keys as a Secret of its own.
        var serving = $"""
            namespaces:
              - name: {ServingNamespace}
                credentials:
                  secret: serving-credentials

            secrets:
              - name: serving-credentials
                namespace: {ServingNamespace}
                requiredKeys: [AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY]
                sealedSecret:
                  apiVersion: bitnami.com/v1alpha1
                  kind: SealedSecret
                  metadata:
                    name: serving-credentials
                    namespace: {ServingNamespace}
                  spec:
                    encryptedData:
                      AWS_ACCESS_KEY_ID: {SealedSecretController.Seal(accessKey)}
                      AWS_SECRET_ACCESS_KEY: {SealedSecretController.Seal(secretKey)}
            {(revision is null ? "" : $"""
                    template:
                      metadata:
                        labels:
                          mlops.dev/revision: "{revision}"
            """)}

            """;
        return text.Replace("\nsecrets:\n", "\n" + serving, StringComparison.Ordinal);
    }

    /// <summary>POST /ops/stacks, then waits until that flow made the stack ready.</summary>
    /// <remarks><paramref name="revision"/> labels the serving namespace's SealedSecret: a changed spec the Provisioner must update.</remarks>
    public async Task ProvisionAsync(string? revision = null)
    {
        using var body = new StringContent(StackFile(revision), MediaTypeHeaderValue.Parse("application/yaml"));
        var accepted = await AcceptedAsync(await Ops("provisioner").PostAsync("ops/stacks", body), "POST /ops/stacks");
        var flow = accepted["flowId"]!.GetValue<string>();
        await WaitAsync(async () =>
        {
            var stack = await GetAsync("provisioner", $"ops/stacks/{StackName}");
            if (stack?["failed"] is JsonObject failed && stack["flowId"]?.GetValue<string>() == flow)
                throw new InvalidOperationException($"stack {StackName} failed: {failed.ToJsonString()}");
            return stack?["flowId"]?.GetValue<string>() == flow && stack["ready"]?.GetValue<bool>() == true;
        }, $"stack {StackName} ready", TimeSpan.FromSeconds(120));
    }

    /// <summary>POST /ops/training; answers the training id.</summary>
    public async Task<string> TrainAsync(string modelName, string runner = "job", string image = TrainingImage, Dictionary<string, string>? parameters = null)
    {
        var accepted = await AcceptedAsync(await Ops("trainingCoordinator").PostAsJsonAsync("ops/training", new
        {
            stackName = StackName,
            modelName,
            image,
            runner,
            parameters = parameters ?? new Dictionary<string, string> { ["epochs"] = "1" },
        }), "POST /ops/training");
        return accepted["sagaId"]!.GetValue<string>();
    }

    /// <summary>The training run as the ops API shows it (<c>saga</c>, <c>data</c>, …).</summary>
    public Task<JsonObject?> TrainingAsync(string trainingId) => GetAsync("trainingCoordinator", $"ops/sagas/{trainingId}?type=TrainingRunState");

    /// <summary>Waits until the training run rests in <paramref name="state"/> (and <paramref name="also"/> holds of its data).</summary>
    public Task<JsonObject> TrainingInAsync(string trainingId, string state, Func<JsonObject, bool>? also = null, TimeSpan? timeout = null) =>
        ReturnsAsync(async () => await TrainingAsync(trainingId) is { } run && run["saga"]?["state"]?.GetValue<string>() == state
                && (also is null || also((JsonObject)run["data"]!)) ? run : null,
            $"training {trainingId} in {state}", timeout ?? TimeSpan.FromSeconds(90));

    /// <summary>The model as <c>GET /ops/models</c> shows it; null before the promoter knows it.</summary>
    public async Task<JsonObject?> ModelAsync(string modelName)
    {
        using var answer = await Ops("modelPromoter").GetAsync("ops/models");
        answer.EnsureSuccessStatusCode();
        var models = JsonNode.Parse(await answer.Content.ReadAsStringAsync())!.AsArray();
        return models.OfType<JsonObject>().FirstOrDefault(m => m["model"]?.GetValue<string>() == modelName);
    }

    /// <summary>Waits until <paramref name="modelName"/> serves a version with nothing rolling out.</summary>
    public Task<JsonObject> ServedAsync(string modelName, TimeSpan? timeout = null) =>
        ReturnsAsync(async () => await ModelAsync(modelName) is { } model && model["servingVersion"] is not null
                && model["state"]?.GetValue<string>() == "Serving" && model["rollingOutVersion"] is null ? model : null,
            $"{modelName} serving", timeout ?? TimeSpan.FromSeconds(120));

    /// <summary>POST of an ops command that must be accepted (202); answers the <c>accepted</c> body.</summary>
    public async Task<JsonObject> PostAsync(string service, string path, object? body = null)
    {
        var answer = body is null
            ? await Ops(service).PostAsync(path, null)
            : await Ops(service).PostAsJsonAsync(path, body);
        return await AcceptedAsync(answer, $"POST {path}");
    }

    private async Task<JsonObject?> GetAsync(string service, string path)
    {
        using var answer = await Ops(service).GetAsync(path);
        if (answer.StatusCode == HttpStatusCode.NotFound)
            return null;
        var text = await answer.Content.ReadAsStringAsync();
        if (!answer.IsSuccessStatusCode)
            throw new InvalidOperationException($"GET {path} answered {(int)answer.StatusCode}: {text}");
        return JsonNode.Parse(text) as JsonObject;
    }

    private static async Task<JsonObject> AcceptedAsync(HttpResponseMessage answer, string what)
    {
        using (answer)
        {
            var text = await answer.Content.ReadAsStringAsync();
            if (answer.StatusCode != HttpStatusCode.Accepted)
                throw new InvalidOperationException($"{what} answered {(int)answer.StatusCode}: {text}");
            return (JsonObject)JsonNode.Parse(text)!;
        }
    }

    private async Task WaitAsync(Func<Task<bool>> condition, string what, TimeSpan timeout)
    {
        try
        {
            await Eventually.HoldsAsync(condition, what, timeout);
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{ex.Message}\n{await StateAsync()}\n{Output()}", ex);
        }
    }

    /// <summary>Waits for <paramref name="probe"/> to answer; a timeout carries the services' last output.</summary>
    public async Task<T> ReturnsAsync<T>(Func<Task<T?>> probe, string what, TimeSpan timeout)
        where T : class
    {
        try
        {
            return await Eventually.ReturnsAsync(probe, what, timeout);
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{ex.Message}\n{await StateAsync()}\n{Output()}", ex);
        }
    }

    /// <summary>Registers a version of <paramref name="modelName"/> as a person logging a model by hand would; MinIO's event and MLflow's webhook trigger its promotion.</summary>
    public Task<(string Name, string Version)> RegisterByHandAsync(string modelName, string mlmodel) =>
        Sandbox.RegisterModelAsync(modelName, mlmodel: mlmodel);

    public async ValueTask DisposeAsync()
    {
        foreach (var ops in _ops.Values)
            ops.Dispose();
        foreach (var process in _processes.Values.SelectMany(p => p))
            await process.DisposeAsync();
        for (var i = _owned.Count - 1; i >= 0; i--)
            await _owned[i].DisposeAsync();
    }
}
