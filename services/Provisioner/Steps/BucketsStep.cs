using Minio.DataModel.Args;
using Mlops.Clients.Minio;
using Mlops.Contracts;

namespace Mlops.Provisioner.Steps;

/// <summary>
/// The stack's buckets, created when missing with the Provisioner's own MinIO keys; then the keys the stack's pods will
/// use are tried against each bucket with a signed request, so wrong keys fail here and not later in a training pod.
/// </summary>
public sealed class BucketsStep(IMinioStorage minio, SecretValues secrets) : IStackStep
{
    public async Task RunAsync(StackStepRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        foreach (var bucket in run.Stack.Buckets)
        {
            if (run.Applies)
            {
                if (await minio.EnsureBucketAsync(bucket.Name, run.CancellationToken))
                    run.Changed(run.Reconciling ? $"bucket {bucket.Name} was missing; created again (empty)" : $"bucket {bucket.Name} created");
            }
            else if (!await minio.Client.BucketExistsAsync(new BucketExistsArgs().WithBucket(bucket.Name), run.CancellationToken))
            {
                throw run.NotAsDescribed($"bucket {bucket.Name} does not exist");
            }
        }

        var credentials = new List<(string Namespace, StackCredentials Credentials)> { (run.Stack.Namespace, run.Stack.Credentials) };
        credentials.AddRange(run.Stack.ExtraNamespaces.Select(n => (n.Name, n.Credentials)));
        foreach (var (ns, keys) in credentials.DistinctBy(c => (c.Namespace, c.Credentials.SecretName, c.Credentials.AccessKeyIdKey, c.Credentials.SecretAccessKeyKey)))
        {
            var accessKey = await secrets.ReadAsync(ns, keys.SecretName, keys.AccessKeyIdKey, run.CancellationToken);
            var secretKey = await secrets.ReadAsync(ns, keys.SecretName, keys.SecretAccessKeyKey, run.CancellationToken);
            if (string.IsNullOrWhiteSpace(accessKey) || secretKey.Length == 0)
                throw StackStepRun.Fail($"secret {ns}/{keys.SecretName} holds an empty {keys.AccessKeyIdKey} or {keys.SecretAccessKeyKey}");
            foreach (var bucket in run.Stack.Buckets)
            {
                var probe = await minio.ProbeKeysAsync(accessKey.Trim(), secretKey, bucket.Name, run.CancellationToken);
                switch (probe.Outcome)
                {
                    case MinioKeyProbeOutcome.Accepted:
                        continue;
                    case MinioKeyProbeOutcome.Unreachable:
                        throw StackStepRun.NotYet($"bucket {bucket.Name}: MinIO did not answer the key check with the keys from {ns}/{keys.SecretName} ({probe.Reason})");
                    default:
                        throw StackStepRun.Fail(
                            $"bucket {bucket.Name}: {probe.Outcome} with the keys from {ns}/{keys.SecretName} ({probe.Reason}); " +
                            "put keys MinIO knows into that Secret (its SealedSecret), then replay the stack");
                }
            }
        }
    }
}
