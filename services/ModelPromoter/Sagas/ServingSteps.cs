using System.Net;
using System.Text;
using System.Text.Json;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Mlops.Clients.Kubernetes;
using Mlops.Clients.Minio;
using Mlops.Clients.Mlflow;
using Mlops.Clients.Mlflow.Model;
using Mlops.Contracts;
using Mlops.ModelPromoter.Policies;
using Mlops.ModelPromoter.Serving;
using Mlops.ModelPromoter.Watchers;
using Mlops.ServiceDefaults.Messaging;
using Mlops.ServiceDefaults.Sagas;
using Refit;

namespace Mlops.ModelPromoter.Sagas;

/// <summary>
/// The outside calls of a serving attempt, each safe to run again (a retry, a replay or a lost answer runs it again):
/// prepare (MLmodel from S3, image, plan), deploy (claim the name, write the template), smoke check (through the API
/// server's service proxy), set the alias, roll back, retire.
/// </summary>
public static class ServingSteps
{
    private const int MaxMlmodelBytes = 1024 * 1024;

    private static readonly string[] EnvManagers = ["local", "virtualenv", "conda", "uv"];

    private static readonly string[] ExposureKinds = ["ClusterIP", "NodePort", "Ingress"];

    /// <summary>Reads the MLmodel, picks the image and fixes everything the attempt's objects are made from.</summary>
    public static async Task PrepareAsync(SagaStepContext<ServingState> step)
    {
        var saga = step.Saga;
        var attempt = saga.Attempt ?? throw new InvalidOperationException("prepare runs for an attempt");
        attempt.Reset();
        var request = attempt.Request;
        if (request.Version.Length is 0 or > 18 || !request.Version.All(char.IsAsciiDigit))
            throw new ServingRefusedException($"'{request.Version}' is not an MLflow version number");
        _ = ModelServerNaming.Candidates(saga.ModelName);
        var policy = step.GetRequiredService<ModelPolicies>().For(saga.ModelName);
        var options = step.GetRequiredService<IOptions<ServingOptions>>().Value;
        CheckPolicy(policy, saga.ModelName);

        var artifacts = ArtifactLocation.Parse(request.ArtifactLocation);
        var where = $"{artifacts}/MLmodel";
        var text = await step.GetRequiredService<IMinioStorage>().ReadObjectTextAsync(artifacts.Bucket, artifacts.KeyOf("MLmodel"), MaxMlmodelBytes, step.CancellationToken)
            ?? throw new ServingRefusedException($"there is no MLmodel at {where}: the version's files are missing");
        var mlmodel = MlmodelFile.Parse(text, where);
        var (image, chosenBy) = ModelServerImages.Choose(policy, options.ImagesByFlavor(), mlmodel);

        var ns = policy.Namespace ?? request.Stack.Namespace;
        if (!KubernetesNames.IsLabel(ns))
            throw new ServingRefusedException($"'{ns}' is not a namespace name");
        var progressDeadline = options.ProgressDeadlineSecondsFor(policy.EnvManager);
        attempt.Plan = new ModelServerPlan
        {
            ModelName = saga.ModelName,
            Version = request.Version,
            Namespace = ns,
            Image = image,
            ImageChosenBy = chosenBy,
            Flavors = mlmodel.Flavors,
            EnvManager = policy.EnvManager,
            Replicas = policy.Replicas,
            Resources = policy.Resources,
            Exposure = policy.Exposure,
            TrackingUri = request.Stack.MlflowTrackingUri,
            S3Endpoint = request.Stack.MinioEndpoint,
            Credentials = CredentialsFor(request.Stack, ns),
            StartupFailureThreshold = (int)Math.Ceiling(options.StartupTimeoutFor(policy.EnvManager).TotalSeconds / ModelServerManifests.ProbePeriodSeconds),
            ProgressDeadlineSeconds = progressDeadline,
            Artifacts = artifacts,
            SmokeInput = policy.SmokeInput,
            LegacyStage = policy.LegacyStage,
        };
    }

    /// <summary>Claims the model's name in the namespace (or finds the one it holds) and writes the attempt's template.</summary>
    public static async Task DeployAsync(SagaStepContext<ServingState> step)
    {
        var saga = step.Saga;
        var attempt = saga.Attempt!;
        var plan = attempt.Plan!;
        var kubernetes = step.GetRequiredService<IKubernetesClient>();
        var ct = step.CancellationToken;

        var (placement, deployment, existed) = await ClaimAsync(kubernetes, saga, plan, ct);
        attempt.Placement = placement;
        var desired = ModelServerManifests.Deployment(plan, placement, saga.CorrelationId);
        attempt.TemplateJson = KubernetesJson.Serialize(desired.Spec.Template);
        attempt.TemplateHash = ModelServerManifests.TemplateHashOf(desired.Spec.Template);

        var wrote = false;
        if (existed)
        {
            // The first run of this step remembers what to go back to; a re-run after a lost answer finds its own template.
            if (!attempt.CreatedDeployment && attempt.PreviousTemplateJson is null)
            {
                var served = saga.Served is { } s && s.Namespace == placement.Namespace && s.DeploymentName == placement.Name ? s : null;
                attempt.PreviousTemplateJson = served?.TemplateJson ?? KubernetesJson.Serialize(deployment.Spec.Template);
                attempt.PreviousTemplateHash = served?.TemplateHash ?? ModelServerManifests.TemplateHashOf(deployment.Spec.Template);
                attempt.PreviousReplicas = served?.Replicas ?? deployment.Spec.Replicas;
                attempt.PreviousVersion = served?.Version ?? VersionOf(deployment.Metadata);
            }
            if (ModelServerManifests.TemplateHashOf(deployment.Spec.Template) != attempt.TemplateHash || deployment.Spec.Replicas != plan.Replicas)
            {
                deployment.Spec.Template = desired.Spec.Template;
                deployment.Spec.Replicas = plan.Replicas;
                deployment.Spec.Strategy = desired.Spec.Strategy;
                deployment.Spec.ProgressDeadlineSeconds = desired.Spec.ProgressDeadlineSeconds;
                Annotate(deployment.Metadata, desired.Metadata);
                if (!attempt.CreatedDeployment)
                    attempt.ReplacedTemplate = true;
                deployment = await kubernetes.ReplaceAsync(deployment, ct);
                wrote = true;
            }
        }
        attempt.DeploymentUid = deployment.Metadata.Uid;
        attempt.DeploymentGeneration = deployment.Metadata.Generation ?? 1;
        attempt.RolledOutWhenDeployed = !wrote && existed && RolloutRule.Evaluate(deployment).Status == RolloutStatus.Complete;

        await EnsureServiceAsync(kubernetes, attempt, plan, placement, saga.CorrelationId, ct);
        if (ModelServerManifests.Ingress(plan, placement, saga.CorrelationId) is { } ingress)
        {
            await EnsureIngressAsync(kubernetes, attempt, ingress, saga.ModelName, ct);
            placement = placement with { HasIngress = true };
            attempt.Placement = placement;
            saga.Placements.RemoveAll(p => p.Namespace == placement.Namespace);
            saga.Placements.Add(placement);
        }
        step.GetRequiredService<ServingNamespaces>().Add(placement.Namespace);
    }

    /// <summary><c>POST /invocations</c> through the Service with the model's example; skipped, and said so, when there is none.</summary>
    public static async Task SmokeCheckAsync(SagaStepContext<ServingState> step)
    {
        var attempt = step.Saga.Attempt!;
        var plan = attempt.Plan!;
        var placement = attempt.Placement!;
        var ct = step.CancellationToken;
        var (body, source) = await SmokeInputAsync(step, plan, ct);
        if (body is null)
        {
            attempt.SmokeCheck = $"skipped: {plan.Artifacts} has no {InputExample.ServingFile} or {InputExample.ExampleFile} and the policy sets no SmokeInput";
            step.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ServingSteps)).LogWarning(
                "Smoke check of {Model} version {Version} {SmokeCheck}", plan.ModelName, plan.Version, attempt.SmokeCheck);
            return;
        }
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        var answer = await step.GetRequiredService<IKubernetesClient>().PostToServiceAsync(
            placement.Name, ModelServerManifests.PortName, "invocations", content, placement.Namespace, ct);
        if (answer.StatusCode is HttpStatusCode.ServiceUnavailable or HttpStatusCode.BadGateway or HttpStatusCode.GatewayTimeout)
        {
            // No ready endpoint yet, or one that is restarting: worth another try until the step's deadline.
            throw new HttpRequestException($"the smoke check got {(int)answer.StatusCode} through the API server's proxy: {Brief(answer.Body)}", null, answer.StatusCode);
        }
        if (!answer.IsSuccess)
            throw new ServingRefusedException($"smoke check failed: POST /invocations with {source} answered {(int)answer.StatusCode}: {Brief(answer.Body)}");
        if (!HasPredictions(answer.Body))
            throw new ServingRefusedException($"smoke check failed: POST /invocations with {source} answered 200 without predictions: {Brief(answer.Body)}");
        attempt.SmokeCheck = $"passed: POST /invocations with {source} answered 200 with predictions";
    }

    /// <summary>Points the alias (and the legacy stage, when the policy asks) at the version.</summary>
    public static async Task SetAliasAsync(SagaStepContext<ServingState> step)
    {
        var attempt = step.Saga.Attempt!;
        var plan = attempt.Plan!;
        var mlflow = step.GetRequiredService<IMlflowApi>();
        await mlflow.SetAliasAsync(new SetAliasRequest { Name = plan.ModelName, Alias = attempt.Request.Alias, Version = plan.Version }, step.CancellationToken);
        if (plan.LegacyStage is { Length: > 0 } stage)
        {
            await mlflow.TransitionStageAsync(new TransitionStageRequest
            {
                Name = plan.ModelName, Version = plan.Version, Stage = stage, ArchiveExistingVersions = true,
            }, step.CancellationToken);
        }
    }

    /// <summary>
    /// Reads why the rollout failed (once, before anything is undone), then undoes what the attempt changed: the previous
    /// template back, or a first deployment removed.
    /// </summary>
    public static async Task RollBackAsync(SagaStepContext<ServingState> step)
    {
        var saga = step.Saga;
        var attempt = saga.Attempt!;
        var kubernetes = step.GetRequiredService<IKubernetesClient>();
        var ct = step.CancellationToken;
        var placement = attempt.Placement;
        if (attempt.DiagnosePods && placement is not null && attempt.TemplateHash is not null)
        {
            try
            {
                if (await RolloutDiagnosis.ReadAsync(kubernetes, placement, attempt.TemplateHash, ct) is { } reason)
                    attempt.FailureReason = reason;
            }
            catch (Exception ex) when (!TransientErrors.IsTransient(ex))
            {
                // Evidence is best effort (pods/log may not be granted): the Deployment's own reason stands.
            }
            attempt.DiagnosePods = false;
        }
        if (placement is null)
        {
            attempt.RollbackNote = "nothing had changed in the cluster";
            return;
        }
        if (attempt.CreatedDeployment || (attempt.PreviousTemplateJson is null && attempt.ChangedCluster))
        {
            await DeleteOwnedAsync<V1Deployment>(kubernetes, placement, saga.ModelName, ct);
            if (attempt.CreatedService)
                await DeleteOwnedAsync<V1Service>(kubernetes, placement, saga.ModelName, ct);
            if (attempt.CreatedIngress)
                await DeleteOwnedAsync<V1Ingress>(kubernetes, placement, saga.ModelName, ct);
            if (attempt.CreatedService)
                saga.Placements.RemoveAll(p => p.Namespace == placement.Namespace && p.Name == placement.Name);
            attempt.RollbackNote = "removed the first deployment of the model";
            return;
        }
        if (!attempt.ReplacedTemplate || attempt.PreviousTemplateJson is null)
        {
            attempt.RollbackNote = attempt.CreatedIngress ? "removed the Ingress it made" : "nothing had changed in the Deployment";
            if (attempt.CreatedIngress)
                await DeleteOwnedAsync<V1Ingress>(kubernetes, placement, saga.ModelName, ct);
            return;
        }
        var previous = KubernetesJson.Deserialize<V1PodTemplateSpec>(attempt.PreviousTemplateJson);
        var deployment = await kubernetes.GetAsync<V1Deployment>(placement.Name, placement.Namespace, ct)
            ?? throw new ServingRefusedException($"Deployment {placement.Namespace}/{placement.Name} is gone: there is nothing to roll back");
        if (ModelServerManifests.TemplateHashOf(deployment.Spec.Template) != attempt.PreviousTemplateHash || attempt.PreviousTemplateHash is null)
        {
            deployment.Spec.Template = previous;
            if (attempt.PreviousReplicas is { } replicas)
                deployment.Spec.Replicas = replicas;
            if (attempt.PreviousVersion is { } version)
                deployment.Metadata.Annotations[ModelServerLabels.ModelVersionAnnotation] = version;
            deployment = await kubernetes.ReplaceAsync(deployment, ct);
            attempt.RollbackGeneration = deployment.Metadata.Generation ?? 1;
        }
        else
        {
            // Restored by an earlier run of this step: wait only if that rollout has not finished.
            attempt.RollbackGeneration = RolloutRule.Evaluate(deployment).Status == RolloutStatus.Complete ? null : deployment.Metadata.Generation ?? 1;
        }
        attempt.RollbackUid = deployment.Metadata.Uid;
        attempt.RollbackNote = attempt.PreviousVersion is { } restored
            ? $"restored the template of version {restored}"
            : "restored the previous template";
    }

    /// <summary>Removes the model's Deployments, Services and Ingresses (only those that say they are its) and its alias.</summary>
    public static async Task RetireAsync(SagaStepContext<ServingState> step)
    {
        var saga = step.Saga;
        var kubernetes = step.GetRequiredService<IKubernetesClient>();
        var policy = step.GetRequiredService<ModelPolicies>().For(saga.ModelName);
        var ct = step.CancellationToken;
        var placements = saga.Placements.ToList();
        if (placements.Count == 0)
        {
            // Nothing recorded (a store started afresh, say): look where the model would be served.
            var ns = policy.Namespace ?? saga.Served?.Namespace ?? kubernetes.DefaultNamespace;
            placements.AddRange(ModelServerNaming.Candidates(saga.ModelName).Select(n => new ModelServerPlacement
            {
                Namespace = ns, Name = n.ObjectName, Label = n.Label, HasIngress = policy.Exposure.Kind == "Ingress",
            }));
        }
        foreach (var placement in placements)
        {
            await DeleteOwnedAsync<V1Deployment>(kubernetes, placement, saga.ModelName, ct);
            await DeleteOwnedAsync<V1Service>(kubernetes, placement, saga.ModelName, ct);
            if (placement.HasIngress)
                await DeleteOwnedAsync<V1Ingress>(kubernetes, placement, saga.ModelName, ct);
        }
        saga.Placements.Clear();
        var alias = saga.Served?.Alias ?? policy.TargetAlias;
        try
        {
            await step.GetRequiredService<IMlflowApi>().DeleteAliasAsync(new DeleteAliasRequest { Name = saga.ModelName, Alias = alias }, ct);
        }
        catch (ApiException ex) when (ex.IsResourceDoesNotExist())
        {
            // No such alias (or model): already as retiring leaves it.
        }
    }

    private static async Task<(ModelServerPlacement Placement, V1Deployment Deployment, bool Existed)> ClaimAsync(
        IKubernetesClient kubernetes, ServingState saga, ModelServerPlan plan, CancellationToken ct)
    {
        var attempt = saga.Attempt!;
        var held = saga.Placements.FirstOrDefault(p => p.Namespace == plan.Namespace);
        var candidates = held is not null
            ? [new ModelServerName(held.Label, held.Name)]
            : ModelServerNaming.Candidates(saga.ModelName);
        var taken = new List<string>();
        foreach (var name in candidates)
        {
            var placement = held ?? new ModelServerPlacement { Namespace = plan.Namespace, Name = name.ObjectName, Label = name.Label };
            var desired = ModelServerManifests.Deployment(plan, placement, saga.CorrelationId);
            var existing = await kubernetes.GetAsync<V1Deployment>(placement.Name, placement.Namespace, ct);
            if (existing is null)
            {
                attempt.CreatedDeployment = true;
                try
                {
                    var created = await kubernetes.CreateAsync(desired, ct);
                    Hold(saga, placement);
                    return (placement, created, false);
                }
                catch (KubernetesAlreadyExistsException)
                {
                    existing = await kubernetes.GetAsync<V1Deployment>(placement.Name, placement.Namespace, ct);
                    if (existing is not null && ModelServerManifests.IsOwnedBy(existing.Metadata, saga.ModelName)
                        && ModelServerManifests.TemplateHashOf(existing.Spec.Template) == ModelServerManifests.TemplateHashOf(desired.Spec.Template))
                    {
                        // Our own create, retried after its answer was lost.
                        Hold(saga, placement);
                        return (placement, existing, false);
                    }
                    attempt.CreatedDeployment = false;
                    if (existing is null)
                        throw new KubernetesConflictException($"Deployment {placement.Namespace}/{placement.Name} was created and deleted meanwhile");
                }
            }
            if (ModelServerManifests.IsOwnedBy(existing.Metadata, saga.ModelName))
            {
                Hold(saga, placement);
                return (placement, existing, !attempt.CreatedDeployment);
            }
            taken.Add($"{placement.Name} (held by {ModelServerManifests.OwnerOf(existing.Metadata)})");
        }
        throw new ServingRefusedException($"no name is free for model '{saga.ModelName}' in namespace {plan.Namespace}: {string.Join(", ", taken)}");
    }

    private static void Hold(ServingState saga, ModelServerPlacement placement)
    {
        if (!saga.Placements.Any(p => p.Namespace == placement.Namespace && p.Name == placement.Name))
            saga.Placements.Add(placement);
    }

    private static async Task EnsureServiceAsync(IKubernetesClient kubernetes, ServingAttempt attempt, ModelServerPlan plan, ModelServerPlacement placement,
        Guid sagaId, CancellationToken ct)
    {
        var desired = ModelServerManifests.Service(plan, placement, sagaId);
        var existing = await kubernetes.GetAsync<V1Service>(placement.Name, placement.Namespace, ct);
        if (existing is null)
        {
            attempt.CreatedService = true;
            try
            {
                await kubernetes.CreateAsync(desired, ct);
                return;
            }
            catch (KubernetesAlreadyExistsException)
            {
                existing = await kubernetes.GetAsync<V1Service>(placement.Name, placement.Namespace, ct);
                if (existing is null)
                    throw new KubernetesConflictException($"Service {placement.Namespace}/{placement.Name} was created and deleted meanwhile");
            }
        }
        if (!ModelServerManifests.IsOwnedBy(existing.Metadata, plan.ModelName))
        {
            attempt.CreatedService = false;
            throw new ServingRefusedException($"Service {placement.Namespace}/{placement.Name} is held by {ModelServerManifests.OwnerOf(existing.Metadata)}");
        }
        var port = existing.Spec.Ports?.FirstOrDefault();
        var wanted = desired.Spec.Ports[0];
        if (existing.Spec.Type != desired.Spec.Type || port?.Name != wanted.Name || port.Port != wanted.Port
            || (wanted.NodePort is { } nodePort && port.NodePort != nodePort))
        {
            existing.Spec.Type = desired.Spec.Type;
            existing.Spec.Ports = desired.Spec.Ports;
            existing.Spec.Selector = desired.Spec.Selector;
            await kubernetes.ReplaceAsync(existing, ct);
        }
    }

    private static async Task EnsureIngressAsync(IKubernetesClient kubernetes, ServingAttempt attempt, V1Ingress desired, string modelName, CancellationToken ct)
    {
        var existing = await kubernetes.GetAsync<V1Ingress>(desired.Metadata.Name, desired.Metadata.NamespaceProperty, ct);
        if (existing is null)
        {
            attempt.CreatedIngress = true;
            await kubernetes.CreateAsync(desired, ct);
            return;
        }
        if (!ModelServerManifests.IsOwnedBy(existing.Metadata, modelName))
            throw new ServingRefusedException($"Ingress {desired.Metadata.NamespaceProperty}/{desired.Metadata.Name} is held by {ModelServerManifests.OwnerOf(existing.Metadata)}");
        existing.Spec = desired.Spec;
        await kubernetes.ReplaceAsync(existing, ct);
    }

    private static async Task DeleteOwnedAsync<T>(IKubernetesClient kubernetes, ModelServerPlacement placement, string modelName, CancellationToken ct)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var existing = await kubernetes.GetAsync<T>(placement.Name, placement.Namespace, ct);
        if (existing is not null && ModelServerManifests.IsOwnedBy(existing.Metadata, modelName))
            await kubernetes.DeleteAsync<T>(placement.Name, DeletePropagation.Background, placement.Namespace, ct);
    }

    private static async Task<(string? Body, string Source)> SmokeInputAsync(SagaStepContext<ServingState> step, ModelServerPlan plan, CancellationToken ct)
    {
        if (plan.SmokeInput is { Length: > 0 } configured)
            return (configured, "the policy's SmokeInput");
        var minio = step.GetRequiredService<IMinioStorage>();
        var max = step.GetRequiredService<IOptions<ServingOptions>>().Value.MaxInputExampleBytes;
        if (await minio.ReadObjectTextAsync(plan.Artifacts.Bucket, plan.Artifacts.KeyOf(InputExample.ServingFile), max, ct) is { } serving)
            return (serving, InputExample.ServingFile);
        if (await minio.ReadObjectTextAsync(plan.Artifacts.Bucket, plan.Artifacts.KeyOf(InputExample.ExampleFile), max, ct) is { } example)
            return (InputExample.FromExampleFile(example, $"{plan.Artifacts}/{InputExample.ExampleFile}"), InputExample.ExampleFile);
        return (null, "");
    }

    private static bool HasPredictions(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("predictions", out _);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static string Brief(string body)
    {
        var line = string.Join(' ', body.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        return line.Length <= 200 ? line : line[..199] + "…";
    }

    private static void Annotate(V1ObjectMeta target, V1ObjectMeta desired)
    {
        target.Annotations ??= new Dictionary<string, string>();
        foreach (var (key, value) in desired.Annotations)
            target.Annotations[key] = value;
        target.Labels ??= new Dictionary<string, string>();
        foreach (var (key, value) in desired.Labels)
            target.Labels[key] = value;
    }

    private static string? VersionOf(V1ObjectMeta metadata) =>
        metadata.Annotations is { } annotations && annotations.TryGetValue(ModelServerLabels.ModelVersionAnnotation, out var version) ? version : null;

    private static StackCredentials CredentialsFor(StackReady stack, string ns)
    {
        if (stack.Namespaces.FirstOrDefault(n => n.Name == ns) is { } named)
            return named.Credentials;
        if (ns == stack.Namespace)
            return stack.Credentials;
        throw new ServingRefusedException(
            $"stack {stack.StackName} has no credentials Secret in namespace {ns} (a secretKeyRef reaches only its own namespace): add the namespace to the stack");
    }

    private static void CheckPolicy(ModelPolicy policy, string modelName)
    {
        var problems = new List<string>();
        if (!EnvManagers.Contains(policy.EnvManager))
            problems.Add($"EnvManager '{policy.EnvManager}' is not one of {string.Join(", ", EnvManagers)}");
        if (policy.Replicas is < 1 or > 50)
            problems.Add($"Replicas {policy.Replicas} is not between 1 and 50");
        if (!ExposureKinds.Contains(policy.Exposure.Kind))
            problems.Add($"Exposure:Kind '{policy.Exposure.Kind}' is not one of {string.Join(", ", ExposureKinds)}");
        if (policy.Exposure.NodePort is { } port && (policy.Exposure.Kind != "NodePort" || port is < 30000 or > 32767))
            problems.Add($"Exposure:NodePort {port} needs Kind NodePort and a port from 30000 to 32767");
        if (policy.Exposure.Kind == "Ingress" && string.IsNullOrWhiteSpace(policy.Exposure.IngressHost))
            problems.Add("Exposure:Kind Ingress needs Exposure:IngressHost");
        foreach (var (key, value) in new[]
                 {
                     ("Resources:CpuRequest", policy.Resources.CpuRequest), ("Resources:MemoryRequest", policy.Resources.MemoryRequest),
                     ("Resources:CpuLimit", policy.Resources.CpuLimit), ("Resources:MemoryLimit", policy.Resources.MemoryLimit),
                 })
        {
            if (!IsQuantity(value))
                problems.Add($"{key} '{value}' is not a Kubernetes quantity (e.g. 500m, 1, 4Gi)");
        }
        if (policy.SmokeInput is { Length: > 0 } input && !IsJsonObject(input))
            problems.Add("SmokeInput is not a JSON object");
        if (policy.Image is { } image && (image.Length == 0 || image.Any(char.IsWhiteSpace)))
            problems.Add($"Image '{image}' is not an image reference");
        if (problems.Count > 0)
            throw new ServingRefusedException($"the policy of model '{modelName}' cannot be served: {string.Join("; ", problems)}");
    }

    private static bool IsQuantity(string value)
    {
        if (string.IsNullOrWhiteSpace(value))
            return false;
        try
        {
            _ = new ResourceQuantity(value).ToDecimal();
            return true;
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or OverflowException)
        {
            return false;
        }
    }

    private static bool IsJsonObject(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.ValueKind == JsonValueKind.Object;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
