using k8s.Autorest;

namespace Mlops.Clients.Kubernetes;

/// <summary>
/// A create found the name taken (409, reason <c>AlreadyExists</c>): another writer claimed it first. Still the official
/// <see cref="HttpOperationException"/>, so status-based rules classify it as before (not transient).
/// </summary>
public sealed class KubernetesAlreadyExistsException : HttpOperationException
{
    public KubernetesAlreadyExistsException()
    {
    }

    public KubernetesAlreadyExistsException(string message)
        : base(message)
    {
    }

    public KubernetesAlreadyExistsException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    internal static KubernetesAlreadyExistsException From(HttpOperationException answer) =>
        KubernetesAnswer.Copy(answer, new KubernetesAlreadyExistsException(answer.Status()?.Message ?? answer.Message));
}
