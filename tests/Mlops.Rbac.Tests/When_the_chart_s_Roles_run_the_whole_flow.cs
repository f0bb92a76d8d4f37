using k8s;
using System.Text.Json.Nodes;
using Mlops.Testing.Chart;
using Xunit.Abstractions;

namespace Mlops.Rbac.Tests;

/// <summary>
/// Each ci configuration's RBAC on the sandbox, the services acting as their ServiceAccounts: provision, train (a Job, and an
/// Argo run where the values turn the runner on), promote and serve, a rollout that fails on an unpullable image and goes
/// back to the version that served, replays of failed sagas, and cancelled trainings. Nothing may be refused, and every
/// (group, resource, verb) a Role grants must have been used by its service: no rule is there for nothing.
/// </summary>
public sealed class When_the_chart_s_Roles_run_the_whole_flow(ITestOutputHelper output)
{
    private const string Model = "cnn_classifier";
    private const string ArgoModel = "argo_classifier";
    private const string ServerName = "mlflow-model-cnn-classifier-server";

    // The Provisioner's record of what it applied to a component's object (ComponentsStep.HashAnnotation).
    private const string ManifestHash = "mlops.dev/manifest-hash";

    [Theory]
    [MemberData(nameof(ChartScenarios.All), MemberType = typeof(ChartScenarios))]
    public async Task Should_be_allowed_every_request_and_use_every_rule(string scenario)
    {
        await using var run = await ChartRun.StartAsync(scenario);

        await RunTheFlowAsync(run);

        var requests = run.ServiceRequests();
        var refused = requests.Where(r => r.StatusCode == 403).ToList();
        Assert.True(refused.Count == 0, $"{scenario}: requests refused:\n" + string.Join("\n", refused.Select(r =>
            $"{r.User} {r.Verb} {r.Group}/{r.Resource} in {r.Namespace}")));
        var unused = new List<string>();
        foreach (var role in run.Roles)
        {
            var user = ChartInstall.UserOf(role.Service);
            var used = requests.Where(r => r.User == user && role.Namespaces.Contains(r.Namespace ?? ""))
                .Select(r => (r.Group ?? "", r.Resource ?? "", r.Verb ?? "")).ToHashSet();
            unused.AddRange(role.Grants().Where(g => !used.Contains(g)).Select(g => $"{role.Service}: {(g.Group.Length == 0 ? "core" : g.Group)}/{g.Resource} {g.Verb}"));
        }
        foreach (var line in requests.GroupBy(r => $"{r.User} {r.Verb} {r.Group}/{r.Resource} {r.StatusCode}").OrderBy(g => g.Key))
            output.WriteLine($"{line.Count(),5} {line.Key}");
        Assert.True(unused.Count == 0, $"{scenario}: rules no request used:\n" + string.Join("\n", unused));
    }

    private static async Task RunTheFlowAsync(ChartRun run)
    {
        await run.ProvisionAsync();

        // Trained as a Job, registered, promoted and served in the serving namespace.
        var trained = await run.TrainAsync(Model);
        var served = (await run.ServedAsync(Model, TimeSpan.FromSeconds(180)))["servingVersion"]!.ToString();
        var trainingLog = await run.Ops("trainingCoordinator").GetAsync($"ops/training/{trained}/logs?tailLines=5");
        Assert.True(trainingLog.IsSuccessStatusCode, $"training logs answered {(int)trainingLog.StatusCode}");

        if (run.Argo)
        {
            await run.TrainAsync(ArgoModel, runner: "argo");
            await run.ServedAsync(ArgoModel, TimeSpan.FromSeconds(180));
        }

        // A version logged by hand with a flavour whose image cannot be pulled: MinIO's event and MLflow's webhook promote
        // it, its rollout fails, and the version that served before serves again.
        // Someone renamed the Service's port by hand: the next deploy puts the Service back.
        var service = await run.Sandbox.Kubernetes.CoreV1.ReadNamespacedServiceAsync(ServerName, ChartRun.ServingNamespace);
        service.Spec.Ports[0].Name = "web";
        await run.Sandbox.Kubernetes.CoreV1.ReplaceNamespacedServiceAsync(service, ServerName, ChartRun.ServingNamespace);
        var (_, unpullable) = await run.RegisterByHandAsync(Model, ChartRun.SklearnMlmodel);
        var failed = await FailedAttemptsAsync(run, Model, unpullable, 1);
        Assert.Equal(served, failed["servingVersion"]?.ToString());

        // A replay of the failed serving saga tries again from prepare, and fails and rolls back the same way.
        await run.PostAsync("modelPromoter", $"ops/sagas/{failed["sagaId"]}/replay?type=ServingState");
        var replayed = await FailedAttemptsAsync(run, Model, unpullable, 2);
        Assert.Equal(served, replayed["servingVersion"]?.ToString());

        // A server that crashes (MLflow's own image, no boto3): the reason is read from its log, and the version before serves on.
        var (_, crashing) = await run.RegisterByHandAsync(Model, ChartRun.KerasMlmodel);
        var crashed = await FailedAttemptsAsync(run, Model, crashing, 1);
        Assert.Contains("model server exits", crashed["ledger"]!.AsArray().First(l => l?["version"]?.ToString() == crashing)?["reason"]?.ToString(), StringComparison.Ordinal);
        Assert.Equal(served, crashed["servingVersion"]?.ToString());

        // Retired: its Deployment and Service are deleted.
        await run.PostAsync("modelPromoter", $"ops/models/{Model}/retire", new { reason = "done" });
        await run.ReturnsAsync(async () => await run.ModelAsync(Model) is { } m && m["state"]?.GetValue<string>() == "Retired" ? m : null,
            $"{Model} retired", TimeSpan.FromSeconds(60));

        // The stack applied again with the serving namespace's SealedSecret relabelled: the SealedSecret is updated. Then
        // its Secret deleted by hand and the stack applied again: the SealedSecret is deleted and created, so it is unsealed anew.
        await run.ProvisionAsync(revision: "2");
        if (run.Components)
        {
            // The in-cluster MinIO's Deployment and Service changed by hand: the next apply puts the stack's back.
            var minio = await run.Sandbox.Kubernetes.AppsV1.ReadNamespacedDeploymentAsync("minio", "minio");
            minio.Metadata.Annotations[ManifestHash] = "changed-by-hand";
            await run.Sandbox.Kubernetes.AppsV1.ReplaceNamespacedDeploymentAsync(minio, "minio", "minio");
            var minioService = await run.Sandbox.Kubernetes.CoreV1.ReadNamespacedServiceAsync("minio", "minio");
            minioService.Metadata.Annotations[ManifestHash] = "changed-by-hand";
            await run.Sandbox.Kubernetes.CoreV1.ReplaceNamespacedServiceAsync(minioService, "minio", "minio");
        }
        await run.Sandbox.Kubernetes.CoreV1.DeleteNamespacedSecretAsync("serving-credentials", ChartRun.ServingNamespace);
        await run.ProvisionAsync(revision: "2");
        await run.Sandbox.Kubernetes.CoreV1.ReadNamespacedSecretAsync("serving-credentials", ChartRun.ServingNamespace);

        // A training whose script refuses its argument fails with its pod's log, and a replay submits a second attempt.
        await FailAndReplayTrainingAsync(run, "job");
        if (run.Argo)
            await FailAndReplayTrainingAsync(run, "argo");

        // Cancelled while it cannot start (a Job whose image cannot be pulled) or while it runs (a Workflow): deleted.
        var stuck = await run.TrainAsync(Model, image: ChartRun.UnpullableImage);
        await run.TrainingInAsync(stuck, "Submitted", data => data["JobName"] is not null);
        await run.PostAsync("trainingCoordinator", $"ops/sagas/{stuck}/cancel", new { reason = "not this one" });
        await run.TrainingInAsync(stuck, "Cancelled");
        if (run.Argo)
        {
            var running = await run.TrainAsync(ArgoModel, runner: "argo");
            await run.TrainingInAsync(running, "Running", data => data["JobName"] is not null, TimeSpan.FromSeconds(60));
            await run.PostAsync("trainingCoordinator", $"ops/sagas/{running}/cancel", new { reason = "not this one" });
            await run.TrainingInAsync(running, "Cancelled");
        }
    }

    private static async Task FailAndReplayTrainingAsync(ChartRun run, string runner)
    {
        var refused = await run.TrainAsync(Model, runner: runner, parameters: new Dictionary<string, string> { ["learning_rate"] = "fast" });
        await run.TrainingInAsync(refused, "Failed");
        await run.PostAsync("trainingCoordinator", $"ops/sagas/{refused}/replay?type=TrainingRunState");
        await run.TrainingInAsync(refused, "Failed", data => data["JobAttempt"]?.GetValue<int>() == 2);
    }

    // The model's ledger with at least `count` failed attempts of `version`, the saga resting in Failed.
    private static async Task<JsonObject> FailedAttemptsAsync(ChartRun run, string model, string version, int count) =>
        await run.ReturnsAsync(async () =>
            await run.ModelAsync(model) is { } m && m["state"]?.GetValue<string>() == "Failed"
            && m["ledger"]!.AsArray().Count(l => l?["version"]?.ToString() == version && l["outcome"]?.GetValue<string>() == "Failed") >= count
                ? m
                : null, $"{count} failed rollouts of {model} version {version}", TimeSpan.FromSeconds(120));
}
