using Mlops.Contracts;

namespace Mlops.TrainingCoordinator.Training;

/// <summary>
/// Where and with what a run trains, from the stack's <see cref="StackReady"/>: the namespace, the in-cluster addresses of
/// MLflow and MinIO as pods reach them, and the Secret (in that namespace) whose keys the pod gets by reference.
/// </summary>
public sealed class StackTarget
{
    public string Namespace { get; set; } = "";

    public string MlflowTrackingUri { get; set; } = "";

    public string MinioEndpoint { get; set; } = "";

    public string ArtifactBucket { get; set; } = "";

    public string SecretName { get; set; } = "";

    public string AccessKeyIdKey { get; set; } = "";

    public string SecretAccessKeyKey { get; set; } = "";

    /// <summary>
    /// The target of a run asking for <paramref name="requestedNamespace"/> (null: the stack's own) on <paramref name="stack"/>;
    /// null with <paramref name="problem"/> when the stack does not offer that namespace.
    /// </summary>
    public static StackTarget? Of(StackReady stack, string? requestedNamespace, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(stack);
        problem = null;
        var ns = requestedNamespace ?? stack.Namespace;
        var credentials = ns == stack.Namespace
            ? stack.Credentials
            : stack.Namespaces.FirstOrDefault(n => n.Name == ns)?.Credentials;
        if (credentials is null)
        {
            var offered = string.Join(", ", new[] { stack.Namespace }.Concat(stack.Namespaces.Select(n => n.Name)).Distinct(StringComparer.Ordinal));
            problem = $"namespace '{ns}' is not one of stack {stack.StackName}'s namespaces ({offered}): a pod there could not reach the stack's credentials Secret";
            return null;
        }
        return new StackTarget
        {
            Namespace = ns,
            MlflowTrackingUri = stack.MlflowTrackingUri,
            MinioEndpoint = stack.MinioEndpoint,
            ArtifactBucket = stack.ArtifactBucket,
            SecretName = credentials.SecretName,
            AccessKeyIdKey = credentials.AccessKeyIdKey,
            SecretAccessKeyKey = credentials.SecretAccessKeyKey,
        };
    }
}
