using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Options;
using Mlops.Clients.Kubernetes;
using Mlops.Clients.Kubernetes.Models;
using Mlops.Provisioner.Stacks;

namespace Mlops.Provisioner.Steps;

/// <summary>
/// The stack's Secrets: each SealedSecret applied (when missing, or when the stack's manifest changed), then each Secret
/// waited for until it holds its keys (bounded by <c>Provisioner:SecretTimeout</c>); a Secret without a SealedSecret is
/// verified as it is. A Secret deleted behind the Provisioner's back is restored from its SealedSecret.
/// </summary>
public sealed class SecretsStep(IKubernetesClient kubernetes, IOptions<ProvisionerOptions> options) : IStackStep
{
    public const string ManagedByLabel = "app.kubernetes.io/managed-by";
    public const string ManagedBy = "mlops-provisioner";
    public const string StackLabel = "mlops.dev/stack";

    public async Task RunAsync(StackStepRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var waiting = new List<string>();
        foreach (var secret in RequiredSecret.Of(run.Stack))
        {
            if (await CheckAsync(run, secret) is { } notYet)
                waiting.Add(notYet);
        }
        if (waiting.Count == 0)
            return;
        var timeout = options.Value.SecretTimeout;
        if (run.Trying >= timeout)
            throw StackStepRun.Fail($"{string.Join("; ", waiting)} after {timeout.TotalSeconds.ToString("0", CultureInfo.InvariantCulture)} s");
        throw StackStepRun.NotYet(string.Join("; ", waiting.Select(w => w + " yet")));
    }

    /// <summary>Null when the Secret is there with its keys; else what it still lacks (the step waits for it).</summary>
    private async Task<string?> CheckAsync(StackStepRun run, RequiredSecret required)
    {
        SealedSecret? sealedSecret = null;
        if (required.SealedSecretManifest is { } manifest && run.Applies)
            sealedSecret = await ApplySealedSecretAsync(run, required, manifest);

        if (sealedSecret is not null)
        {
            var synced = sealedSecret.Status?.Synced;
            var observed = sealedSecret.Status?.ObservedGeneration is { } generation && generation >= (sealedSecret.Metadata.Generation ?? 1);
            if (!observed)
                return $"sealedsecret {required.Path} is not unsealed";
            if (synced is { Status: "False" })
            {
                throw StackStepRun.Fail(
                    $"sealedsecret {required.Path} cannot be unsealed: {synced.Message} ({synced.Reason}); seal it for this cluster with kubeseal " +
                    "(docs/stack-file.md), apply it, then replay the stack");
            }
        }

        var secret = await kubernetes.GetAsync<V1Secret>(required.Name, required.Namespace, run.CancellationToken);
        if (secret is null)
        {
            if (sealedSecret?.Status?.Synced is { Status: "True" })
            {
                // Unsealed once and deleted since: a new SealedSecret object makes the controller unseal it again.
                await kubernetes.DeleteAsync<SealedSecret>(required.Name, DeletePropagation.Background, required.Namespace, run.CancellationToken);
                await CreateAsync(run, Desired(run, required, required.SealedSecretManifest!));
                run.Changed($"secret {required.Path} was deleted; its SealedSecret was applied again");
                return $"secret {required.Path} is not unsealed";
            }
            if (required.SealedSecretManifest is null && run.Reconciling)
            {
                throw StackStepRun.Fail(
                    $"secret {required.Path} was deleted and the stack has no SealedSecret to restore it from: create it again, or add its sealedSecret to the stack file");
            }
            if (!run.Applies)
                throw run.NotAsDescribed($"secret {required.Path} does not exist");
            return $"secret {required.Path} does not exist";
        }

        var missing = required.Keys.Where(k => secret.Data?.ContainsKey(k) != true).ToList();
        if (missing.Count == 0)
            return null;
        var what = $"secret {required.Path} has no key {string.Join(", ", missing)}";
        if (required.SealedSecretManifest is null && run.Reconciling)
            throw StackStepRun.Fail($"{what} and the stack has no SealedSecret to restore it from");
        if (!run.Applies)
            throw run.NotAsDescribed(what);
        return what;
    }

    /// <summary>Creates the SealedSecret when missing, updates it when the stack's manifest changed since it was applied; the object as it now is.</summary>
    private async Task<SealedSecret> ApplySealedSecretAsync(StackStepRun run, RequiredSecret required, string manifest)
    {
        var hash = Hash(manifest);
        var existing = await kubernetes.GetAsync<SealedSecret>(required.Name, required.Namespace, run.CancellationToken);
        var desired = Desired(run, required, manifest);
        if (existing is null)
        {
            var created = await CreateAsync(run, desired);
            run.Saga.AppliedSealedSecrets[required.Path] = hash;
            run.Changed(run.Reconciling ? $"sealedsecret {required.Path} was missing; applied again" : $"sealedsecret {required.Path} applied");
            return created;
        }
        if (run.Saga.AppliedSealedSecrets.TryGetValue(required.Path, out var applied) && applied == hash)
            return existing; // as applied; what others changed since is theirs, as kubectl apply leaves it
        run.Saga.AppliedSealedSecrets[required.Path] = hash;
        if (SameSpec(existing, desired))
            return existing;
        existing.Spec = desired.Spec;
        existing.Metadata.Labels ??= new Dictionary<string, string>();
        foreach (var (key, value) in desired.Metadata.Labels ?? new Dictionary<string, string>())
            existing.Metadata.Labels[key] = value;
        var replaced = await kubernetes.ReplaceAsync(existing, run.CancellationToken);
        run.Changed($"sealedsecret {required.Path} updated to the stack's");
        return replaced;
    }

    private async Task<SealedSecret> CreateAsync(StackStepRun run, SealedSecret desired)
    {
        try
        {
            return await kubernetes.CreateAsync(desired, run.CancellationToken);
        }
        catch (KubernetesAlreadyExistsException)
        {
            // An earlier attempt's create whose answer was lost.
            return await kubernetes.GetAsync<SealedSecret>(desired.Metadata.Name, desired.Metadata.NamespaceProperty, run.CancellationToken)
                   ?? throw StackStepRun.NotYet($"sealedsecret {desired.Metadata.NamespaceProperty}/{desired.Metadata.Name} was created and deleted again");
        }
    }

    private static SealedSecret Desired(StackStepRun run, RequiredSecret required, string manifest)
    {
        var desired = KubernetesJson.Deserialize<SealedSecret>(manifest);
        desired.Status = null;
        desired.Metadata ??= new V1ObjectMeta();
        desired.Metadata.Name = required.Name;
        desired.Metadata.NamespaceProperty = required.Namespace;
        desired.Metadata.ResourceVersion = null;
        desired.Metadata.Labels ??= new Dictionary<string, string>();
        desired.Metadata.Labels[ManagedByLabel] = ManagedBy;
        desired.Metadata.Labels[StackLabel] = run.Stack.StackName;
        return desired;
    }

    private static bool SameSpec(SealedSecret existing, SealedSecret desired) =>
        JsonNode.DeepEquals(JsonNode.Parse(KubernetesJson.Serialize(existing.Spec)), JsonNode.Parse(KubernetesJson.Serialize(desired.Spec)));

    private static string Hash(string manifest) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(manifest)));
}
