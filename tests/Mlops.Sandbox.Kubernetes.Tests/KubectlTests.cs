using System.Text;
using System.Text.Json;
using k8s;
using k8s.Models;
using Mlops.Testing;
using Xunit;

namespace Mlops.Sandbox.Kubernetes.Tests;

/// <summary>The real kubectl, on the paths the product and its operators use, cannot tell the sandbox from a cluster.</summary>
public sealed class KubectlTests(KubernetesSandbox sandbox) : IClassFixture<KubernetesSandbox>
{
    private const string Image = SandboxFixture.ModelServerImage;

    // The product's serving manifest: a real model server that must load a READY version, keys by secretKeyRef.
    private static string ServingManifest(string ns, string image, string envValue, string modelUri) => $"""
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: mlflow-model-cnn-classifier-server
          namespace: {ns}
          labels: {"{"}app: mlflow-model-server, model: cnn-classifier{"}"}
        spec:
          replicas: 2
          selector:
            matchLabels: {"{"}app: mlflow-model-server, model: cnn-classifier{"}"}
          template:
            metadata:
              labels: {"{"}app: mlflow-model-server, model: cnn-classifier{"}"}
            spec:
              containers:
              - name: server
                image: {image}
                command: ["mlflow", "models", "serve", "-m", "{modelUri}", "--host", "0.0.0.0", "--port", "5001", "--env-manager", "local"]
                ports:
                - {"{"}name: http, containerPort: 5001{"}"}
                env:
                - {"{"}name: MODEL_VERSION, value: "{envValue}"{"}"}
                - {"{"}name: MLFLOW_TRACKING_URI, value: "{SandboxFixture.InClusterMlflowUrl}"{"}"}
                - {"{"}name: MLFLOW_S3_ENDPOINT_URL, value: "{SandboxFixture.InClusterS3Url}"{"}"}
                - name: AWS_ACCESS_KEY_ID
                  valueFrom: {"{"}secretKeyRef: {"{"}name: {SandboxFixture.S3SecretName}, key: AWS_ACCESS_KEY_ID{"}"}{"}"}
                - name: AWS_SECRET_ACCESS_KEY
                  valueFrom: {"{"}secretKeyRef: {"{"}name: {SandboxFixture.S3SecretName}, key: AWS_SECRET_ACCESS_KEY{"}"}{"}"}
                readinessProbe:
                  httpGet: {"{"}path: /health, port: http{"}"}
        ---
        apiVersion: v1
        kind: Service
        metadata:
          name: mlflow-model-cnn-classifier-server
          namespace: {ns}
        spec:
          selector: {"{"}app: mlflow-model-server, model: cnn-classifier{"}"}
          ports:
          - {"{"}name: http, port: 5001, targetPort: http{"}"}
        """;

    // A namespace holding the MinIO Secret, and the serving manifest of the sandbox's READY model in it.
    private async Task<(string Namespace, Func<string, string, string> Manifest)> ServingNamespaceAsync()
    {
        var ns = await sandbox.NewNamespaceAsync();
        await sandbox.Fixture.CreateS3SecretAsync(ns);
        var (model, version) = await sandbox.ServableModelAsync();
        return (ns, (image, envValue) => sandbox.Kubectl.WriteManifest(ServingManifest(ns, image, envValue, $"models:/{model}/{version}")));
    }

    private const string Deployment = "deployment/mlflow-model-cnn-classifier-server";

    [Fact]
    public async Task Get_namespaces_lists_the_system_namespaces_and_created_ones()
    {
        var ns = await sandbox.NewNamespaceAsync();

        var result = (await sandbox.Kubectl.RunAsync("get", "namespaces")).Succeeded();

        Assert.Contains("NAME", result.Output);
        Assert.Matches(@"(?m)^default\s+Active\s", result.Output);
        Assert.Matches(@"(?m)^kube-system\s+Active\s", result.Output);
        Assert.Matches($@"(?m)^{ns}\s+Active\s", result.Output);
    }

    [Fact]
    public async Task Get_nodes_shows_the_one_ready_node_pods_are_scheduled_to()
    {
        var result = (await sandbox.Kubectl.RunAsync("get", "nodes")).Succeeded();

        Assert.Matches(@"(?m)^sandbox\s+Ready\s+control-plane\s+\S+\s+v1\.32\.0$", result.Output);
    }

    [Fact]
    public async Task Apply_creates_a_deployment_and_service_and_rollout_status_succeeds()
    {
        var (ns, manifestOf) = await ServingNamespaceAsync();
        var manifest = manifestOf(Image, "1");

        var applied = (await sandbox.Kubectl.RunAsync("apply", "-f", manifest)).Succeeded();
        var rollout = await sandbox.Kubectl.RunAsync("rollout", "status", Deployment, "-n", ns, "--timeout=30s");

        Assert.Contains("deployment.apps/mlflow-model-cnn-classifier-server created", applied.Output);
        Assert.Contains("service/mlflow-model-cnn-classifier-server created", applied.Output);
        Assert.Equal(0, rollout.ExitCode);
        Assert.Contains("successfully rolled out", rollout.Output);
        var service = await sandbox.Client.CoreV1.ReadNamespacedServiceAsync("mlflow-model-cnn-classifier-server", ns);
        Assert.Equal("ClusterIP", service.Spec.Type);
        Assert.Equal("http", service.Spec.Ports.Single().TargetPort.Value);
    }

    [Fact]
    public async Task Apply_stores_a_disruption_budget_and_an_ingress_that_get_lists_by_short_name()
    {
        // The chart renders both (replicas above one; the webhook's Ingress), so its dry run must find them served.
        var ns = await sandbox.NewNamespaceAsync();
        var manifest = sandbox.Kubectl.WriteManifest($"""
            apiVersion: policy/v1
            kind: PodDisruptionBudget
            metadata:
              name: model-promoter
              namespace: {ns}
            spec:
              minAvailable: 1
              selector:
                matchLabels:
                  app.kubernetes.io/component: model-promoter
            ---
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata:
              name: model-promoter-webhooks
              namespace: {ns}
            spec:
              tls:
                - hosts: [mlops.example.lan]
                  secretName: webhook-tls
              rules:
                - host: mlops.example.lan
                  http:
                    paths:
                      - path: /webhooks/mlflow
                        pathType: Exact
                        backend:
                          service:
                            name: model-promoter
                            port:
                              name: http
            """);

        var dryRun = (await sandbox.Kubectl.RunAsync("apply", "--dry-run=server", "-f", manifest)).Succeeded();
        var applied = (await sandbox.Kubectl.RunAsync("apply", "-f", manifest)).Succeeded();
        var listed = (await sandbox.Kubectl.RunAsync("get", "pdb,ing", "-n", ns, "-o", "name")).Succeeded();

        Assert.Contains("poddisruptionbudget.policy/model-promoter created (server dry run)", dryRun.Output);
        Assert.Contains("ingress.networking.k8s.io/model-promoter-webhooks created", applied.Output);
        Assert.Equal(["ingress.networking.k8s.io/model-promoter-webhooks", "poddisruptionbudget.policy/model-promoter"],
            listed.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal));
        var ingress = await sandbox.Client.NetworkingV1.ReadNamespacedIngressAsync("model-promoter-webhooks", ns);
        Assert.Equal("Exact", ingress.Spec.Rules.Single().Http.Paths.Single().PathType);
    }

    [Fact]
    public async Task Rollout_status_of_an_unpullable_image_fails_with_the_progress_deadline()
    {
        var ns = await sandbox.NewNamespaceAsync();
        var manifest = sandbox.Kubectl.WriteManifest(ServingManifest(ns, "registry.invalid/mlflow:v9", "1", "models:/cnn_classifier/1")
            .Replace("  replicas: 2", "  replicas: 2\n  progressDeadlineSeconds: 100", StringComparison.Ordinal));
        (await sandbox.Kubectl.RunAsync("apply", "-f", manifest)).Succeeded();

        var rollout = await sandbox.Kubectl.RunAsync("rollout", "status", Deployment, "-n", ns, "--timeout=30s");

        Assert.NotEqual(0, rollout.ExitCode);
        Assert.Contains("exceeded its progress deadline", rollout.Error);
        var deployment = await sandbox.Client.AppsV1.ReadNamespacedDeploymentAsync("mlflow-model-cnn-classifier-server", ns);
        var progressing = deployment.Status.Conditions.Single(c => c.Type == "Progressing");
        Assert.Equal("False", progressing.Status);
        Assert.Equal("ProgressDeadlineExceeded", progressing.Reason);
    }

    [Fact]
    public async Task Rollout_undo_goes_back_to_the_previous_template()
    {
        var (ns, manifestOf) = await ServingNamespaceAsync();
        (await sandbox.Kubectl.RunAsync("apply", "-f", manifestOf(Image, "1"))).Succeeded();
        (await sandbox.Kubectl.RunAsync("rollout", "status", Deployment, "-n", ns, "--timeout=30s")).Succeeded();
        var unpullable = File.ReadAllText(manifestOf("registry.invalid/mlflow:v9", "2"))
            .Replace("  replicas: 2", "  replicas: 2\n  progressDeadlineSeconds: 100", StringComparison.Ordinal);
        (await sandbox.Kubectl.RunAsync("apply", "-f", sandbox.Kubectl.WriteManifest(unpullable))).Succeeded();
        Assert.NotEqual(0, (await sandbox.Kubectl.RunAsync("rollout", "status", Deployment, "-n", ns, "--timeout=30s")).ExitCode);

        var undo = (await sandbox.Kubectl.RunAsync("rollout", "undo", Deployment, "-n", ns)).Succeeded();
        var rollout = await sandbox.Kubectl.RunAsync("rollout", "status", Deployment, "-n", ns, "--timeout=30s");

        Assert.Contains("rolled back", undo.Output);
        Assert.Equal(0, rollout.ExitCode);
        var deployment = await sandbox.Client.AppsV1.ReadNamespacedDeploymentAsync("mlflow-model-cnn-classifier-server", ns);
        var container = deployment.Spec.Template.Spec.Containers.Single();
        Assert.Equal(Image, container.Image);
        Assert.Equal("1", container.Env.Single(e => e.Name == "MODEL_VERSION").Value);
        Assert.Equal("3", deployment.Metadata.Annotations["deployment.kubernetes.io/revision"]);
        var replicaSets = await sandbox.Client.AppsV1.ListNamespacedReplicaSetAsync(ns);
        Assert.Equal(2, replicaSets.Items.Count);
        Assert.All(replicaSets.Items, rs => Assert.Equal(deployment.Metadata.Uid, rs.Metadata.OwnerReferences.Single().Uid));
    }

    [Fact]
    public async Task Rollout_status_of_a_deployment_already_rolled_out_exits_at_once()
    {
        var (ns, manifestOf) = await ServingNamespaceAsync();
        (await sandbox.Kubectl.RunAsync("apply", "-f", manifestOf(Image, "1"))).Succeeded();
        await Eventually.HoldsAsync(async () =>
        {
            var status = (await sandbox.Client.AppsV1.ReadNamespacedDeploymentAsync("mlflow-model-cnn-classifier-server", ns)).Status;
            return status?.Conditions?.Any(c => c.Reason == "NewReplicaSetAvailable") == true;
        }, "the deployment to finish rolling out");

        // Nothing changes after kubectl's list, so its watch stays quiet; kubectl still has to exit.
        var rollout = await sandbox.Kubectl.RunAsync("rollout", "status", Deployment, "-n", ns, "--timeout=30s");

        Assert.Equal(0, rollout.ExitCode);
        Assert.Contains("successfully rolled out", rollout.Output);
    }

    [Fact]
    public async Task Get_deployment_as_json_shows_the_rolled_out_status()
    {
        var (ns, manifestOf) = await ServingNamespaceAsync();
        (await sandbox.Kubectl.RunAsync("apply", "-f", manifestOf(Image, "1"))).Succeeded();
        (await sandbox.Kubectl.RunAsync("rollout", "status", Deployment, "-n", ns, "--timeout=30s")).Succeeded();

        var json = (await sandbox.Kubectl.RunAsync("get", Deployment, "-n", ns, "-o", "json")).Succeeded().Output;

        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        var status = root.GetProperty("status");
        Assert.Equal(root.GetProperty("metadata").GetProperty("generation").GetInt64(), status.GetProperty("observedGeneration").GetInt64());
        Assert.Equal(2, status.GetProperty("replicas").GetInt32());
        Assert.Equal(2, status.GetProperty("updatedReplicas").GetInt32());
        Assert.Equal(2, status.GetProperty("readyReplicas").GetInt32());
        Assert.Equal(2, status.GetProperty("availableReplicas").GetInt32());
        var conditions = status.GetProperty("conditions").EnumerateArray().ToDictionary(c => c.GetProperty("type").GetString()!);
        Assert.Equal("True", conditions["Available"].GetProperty("status").GetString());
        Assert.Equal("MinimumReplicasAvailable", conditions["Available"].GetProperty("reason").GetString());
        Assert.Equal("NewReplicaSetAvailable", conditions["Progressing"].GetProperty("reason").GetString());
        Assert.Equal("1", root.GetProperty("metadata").GetProperty("annotations").GetProperty("deployment.kubernetes.io/revision").GetString());
    }

    [Fact]
    public async Task Create_secret_generic_stores_the_literals_as_secret_data()
    {
        var ns = await sandbox.NewNamespaceAsync();

        var created = (await sandbox.Kubectl.RunAsync("create", "secret", "generic", "minio-credentials", "-n", ns,
            "--from-literal=AWS_ACCESS_KEY_ID=minio", "--from-literal=AWS_SECRET_ACCESS_KEY=minio123")).Succeeded();

        Assert.Contains("secret/minio-credentials created", created.Output);
        var secret = await sandbox.Client.CoreV1.ReadNamespacedSecretAsync("minio-credentials", ns);
        Assert.Equal("Opaque", secret.Type);
        Assert.Equal("minio", Encoding.UTF8.GetString(secret.Data["AWS_ACCESS_KEY_ID"]));
        Assert.Equal("minio123", Encoding.UTF8.GetString(secret.Data["AWS_SECRET_ACCESS_KEY"]));
    }

    [Fact]
    public async Task Get_jobs_shows_a_finished_job_as_complete()
    {
        var ns = await sandbox.NewNamespaceAsync();
        await sandbox.Client.BatchV1.CreateNamespacedJobAsync(Objects.Job("train-cnn", "python:3.11"), ns);
        await Eventually.HoldsAsync(async () => (await sandbox.Client.BatchV1.ReadNamespacedJobAsync("train-cnn", ns)).Status?.Succeeded == 1, "the job succeeded");

        var result = (await sandbox.Kubectl.RunAsync("get", "jobs", "-n", ns)).Succeeded();

        Assert.Matches(@"(?m)^NAME\s+STATUS\s+COMPLETIONS\s+DURATION\s+AGE", result.Output);
        Assert.Matches(@"(?m)^train-cnn\s+Complete\s+1/1\s", result.Output);
    }

    [Fact]
    public async Task A_second_apply_of_a_changed_manifest_patches_the_deployment()
    {
        var (ns, manifestOf) = await ServingNamespaceAsync();
        (await sandbox.Kubectl.RunAsync("apply", "-f", manifestOf(Image, "1"))).Succeeded();
        (await sandbox.Kubectl.RunAsync("rollout", "status", Deployment, "-n", ns, "--timeout=30s")).Succeeded();

        var second = (await sandbox.Kubectl.RunAsync("apply", "-f", manifestOf(Image, "2"))).Succeeded();
        (await sandbox.Kubectl.RunAsync("rollout", "status", Deployment, "-n", ns, "--timeout=30s")).Succeeded();

        Assert.Contains("deployment.apps/mlflow-model-cnn-classifier-server configured", second.Output);
        Assert.Contains("service/mlflow-model-cnn-classifier-server unchanged", second.Output);
        var deployment = await sandbox.Client.AppsV1.ReadNamespacedDeploymentAsync("mlflow-model-cnn-classifier-server", ns);
        Assert.Equal(2, deployment.Metadata.Generation);
        var env = deployment.Spec.Template.Spec.Containers.Single().Env;
        Assert.Equal(["MODEL_VERSION", "MLFLOW_TRACKING_URI", "MLFLOW_S3_ENDPOINT_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"], env.Select(e => e.Name));
        Assert.Equal("2", env[0].Value);
        Assert.Equal("2", deployment.Metadata.Annotations["deployment.kubernetes.io/revision"]);
    }
}
