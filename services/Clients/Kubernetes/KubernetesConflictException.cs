using k8s.Autorest;

namespace Mlops.Clients.Kubernetes;

/// <summary>
/// A write carried a stale <c>metadata.resourceVersion</c> (409, reason <c>Conflict</c>): read the object again and
/// redo the change. Still the official <see cref="HttpOperationException"/>.
/// </summary>
public sealed class KubernetesConflictException : HttpOperationException
{
    public KubernetesConflictException()
    {
    }

    public KubernetesConflictException(string message)
        : base(message)
    {
    }

    public KubernetesConflictException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    internal static KubernetesConflictException From(HttpOperationException answer) =>
        KubernetesAnswer.Copy(answer, new KubernetesConflictException(answer.Status()?.Message ?? answer.Message));
}
