using System.Text;
using k8s.Models;
using Mlops.Clients.Kubernetes;

namespace Mlops.Provisioner.Steps;

/// <summary>Reads values the stack's steps pass on (MinIO keys to probe, the webhook's signing secret) from its Secrets; never logs them.</summary>
public sealed class SecretValues(IKubernetesClient kubernetes)
{
    /// <summary>The value of <paramref name="key"/> in Secret <paramref name="ns"/>/<paramref name="name"/>; a missing Secret or key fails the step.</summary>
    public async Task<string> ReadAsync(string ns, string name, string key, CancellationToken cancellationToken)
    {
        var secret = await kubernetes.GetAsync<V1Secret>(name, ns, cancellationToken)
                     ?? throw StackStepRun.Fail($"secret {ns}/{name} does not exist (it was there when the secrets step ran: provision again to wait for it)");
        if (secret.Data?.TryGetValue(key, out var value) != true || value is null)
            throw StackStepRun.Fail($"secret {ns}/{name} has no key {key}");
        return Encoding.UTF8.GetString(value);
    }
}
