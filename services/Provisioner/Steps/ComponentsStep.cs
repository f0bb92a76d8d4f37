using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Options;
using Mlops.Clients.Kubernetes;
using Mlops.Contracts;
using Mlops.Provisioner.Stacks;

namespace Mlops.Provisioner.Steps;

/// <summary>
/// The optional in-cluster MinIO and MLflow: their PersistentVolumeClaims, Deployments and Services from the manifests the
/// Provisioner ships, applied when missing or when the stack changed them (a hash annotation tells), then each rollout
/// waited for with kubectl's rule, bounded by <c>Provisioner:RolloutTimeout</c>.
/// </summary>
public sealed class ComponentsStep(IKubernetesClient kubernetes, ComponentManifests manifests, IOptions<ProvisionerOptions> options) : IStackStep
{
    /// <summary>The hash of the manifest an object was last applied from.</summary>
    public const string HashAnnotation = "mlops.dev/manifest-hash";

    public async Task RunAsync(StackStepRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var stack = run.Stack;
        var waiting = new List<string>();
        if (stack.Minio.Install && ClusterAddress.Parse(stack.Minio.Endpoint) is { } minio)
            waiting.AddRange(await InstallAsync(run, manifests.Render(ComponentManifests.Minio, minio.Namespace, MinioValues(stack, minio))));
        if (stack.Mlflow.Install && ClusterAddress.Parse(stack.Mlflow.TrackingUri) is { } mlflow)
            waiting.AddRange(await InstallAsync(run, manifests.Render(ComponentManifests.Mlflow, mlflow.Namespace, MlflowValues(stack, mlflow))));
        if (waiting.Count == 0)
            return;
        var timeout = options.Value.RolloutTimeout;
        if (run.Trying >= timeout)
            throw StackStepRun.Fail($"{string.Join("; ", waiting)}, after {timeout.TotalSeconds.ToString("0", CultureInfo.InvariantCulture)} s");
        throw StackStepRun.NotYet(string.Join("; ", waiting));
    }

    public static Dictionary<string, string> MinioValues(ProvisionStack stack, ClusterAddress address)
    {
        ArgumentNullException.ThrowIfNull(stack);
        ArgumentNullException.ThrowIfNull(address);
        var target = stack.Minio.Target;
        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["NAME"] = address.Service,
            ["NAMESPACE"] = address.Namespace,
            ["STACK"] = stack.StackName,
            ["SECRET"] = stack.Minio.Secret ?? "",
            ["PORT"] = address.Port.ToString(CultureInfo.InvariantCulture),
            ["TARGET_ID"] = target.Id,
            ["EXCHANGE"] = target.Exchange,
            ["EXCHANGE_TYPE"] = target.ExchangeType,
            ["ROUTING_KEY"] = target.RoutingKey ?? "",
            ["DURABLE"] = target.Durable ? "on" : "off",
            ["DELIVERY_MODE"] = target.DeliveryMode.ToString(CultureInfo.InvariantCulture),
            ["QUEUE_DIR"] = target.QueueDir,
        };
    }

    public static Dictionary<string, string> MlflowValues(ProvisionStack stack, ClusterAddress address)
    {
        ArgumentNullException.ThrowIfNull(stack);
        ArgumentNullException.ThrowIfNull(address);
        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["NAME"] = address.Service,
            ["NAMESPACE"] = address.Namespace,
            ["STACK"] = stack.StackName,
            ["SECRET"] = stack.Mlflow.Secret ?? "",
            ["PORT"] = address.Port.ToString(CultureInfo.InvariantCulture),
            ["ARTIFACT_BUCKET"] = stack.ArtifactBucket,
            ["MINIO_ENDPOINT"] = stack.Minio.Endpoint,
        };
    }

    /// <summary>Applies the objects; what is still rolling out.</summary>
    private async Task<IReadOnlyList<string>> InstallAsync(StackStepRun run, IReadOnlyList<IKubernetesObject<V1ObjectMeta>> objects)
    {
        foreach (var obj in objects)
        {
            switch (obj)
            {
                case V1PersistentVolumeClaim claim:
                    await ApplyAsync(run, claim, updatable: false);
                    break;
                case V1Deployment deployment:
                    await ApplyAsync(run, deployment, updatable: true);
                    break;
                case V1Service service:
                    await ApplyAsync(run, service, updatable: true);
                    break;
                case V1ConfigMap map:
                    await ApplyAsync(run, map, updatable: true);
                    break;
            }
        }
        var waiting = new List<string>();
        foreach (var desired in objects.OfType<V1Deployment>())
        {
            var deployment = await kubernetes.GetAsync<V1Deployment>(desired.Metadata.Name, desired.Metadata.NamespaceProperty, run.CancellationToken)
                             ?? throw StackStepRun.NotYet($"deployment {desired.Metadata.NamespaceProperty}/{desired.Metadata.Name} is not there");
            var rollout = RolloutStatus.Of(deployment);
            if (rollout.Complete)
                continue;
            var why = await PodTroubleAsync(deployment, run.CancellationToken);
            var message = why is null ? rollout.Message : $"{rollout.Message} ({why})";
            if (rollout.Failed)
                throw StackStepRun.Fail(message);
            waiting.Add(message);
        }
        return waiting;
    }

    private async Task ApplyAsync<T>(StackStepRun run, T desired, bool updatable)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(KubernetesJson.Serialize(desired))));
        desired.Metadata.Annotations ??= new Dictionary<string, string>();
        desired.Metadata.Annotations[HashAnnotation] = hash;
        var what = $"{desired.Kind?.ToLowerInvariant() ?? typeof(T).Name} {desired.Metadata.NamespaceProperty}/{desired.Metadata.Name}";
        var existing = await kubernetes.GetAsync<T>(desired.Metadata.Name, desired.Metadata.NamespaceProperty, run.CancellationToken);
        if (existing is null)
        {
            if (!run.Applies)
                throw run.NotAsDescribed($"{what} does not exist");
            try
            {
                await kubernetes.CreateAsync(desired, run.CancellationToken);
            }
            catch (KubernetesAlreadyExistsException)
            {
                // An earlier attempt's create whose answer was lost.
            }
            run.Changed(run.Reconciling ? $"{what} was missing; applied again" : $"{what} applied");
            return;
        }
        if (!updatable || existing.Metadata.Annotations is { } annotations && annotations.TryGetValue(HashAnnotation, out var applied) && applied == hash)
            return;
        if (!run.Applies)
            throw run.NotAsDescribed($"{what} differs from the stack's");
        await kubernetes.ApplyAsync(desired, run.CancellationToken);
        run.Changed($"{what} updated to the stack's");
    }

    /// <summary>Why the Deployment's pods do not run, as their container statuses say (CreateContainerConfigError, CrashLoopBackOff…).</summary>
    private async Task<string?> PodTroubleAsync(V1Deployment deployment, CancellationToken cancellationToken)
    {
        if (deployment.Spec?.Selector?.MatchLabels is not { Count: > 0 } labels)
            return null;
        var selector = string.Join(",", labels.Select(l => $"{l.Key}={l.Value}"));
        var pods = await kubernetes.ListAsync<V1Pod>(selector, deployment.Metadata.NamespaceProperty, cancellationToken);
        foreach (var pod in pods.Items)
        {
            foreach (var container in pod.Status?.ContainerStatuses ?? [])
            {
                if (container.State?.Waiting is { Reason: { Length: > 0 } reason } waiting && reason != "ContainerCreating")
                    return $"pod {pod.Metadata.Name}: {reason}{(waiting.Message is { Length: > 0 } m ? ": " + m : "")}";
                if (container.LastState?.Terminated is { } terminated && container.Ready != true)
                    return $"pod {pod.Metadata.Name}: container {container.Name} exited with {terminated.ExitCode} ({terminated.Reason})";
            }
            if (pod.Status?.Conditions?.FirstOrDefault(c => c.Type == "PodScheduled" && c.Status == "False") is { } unscheduled)
                return $"pod {pod.Metadata.Name}: {unscheduled.Reason}: {unscheduled.Message}";
        }
        return null;
    }
}
