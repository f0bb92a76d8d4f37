using k8s.Autorest;

namespace Mlops.Clients.Kubernetes;

/// <summary>Carries an API answer over to a more specific exception, without the request body (it may hold Secret data).</summary>
internal static class KubernetesAnswer
{
    public static T Copy<T>(HttpOperationException answer, T exception) where T : HttpOperationException
    {
        exception.Response = answer.Response;
        exception.Body = answer.Status();
        if (answer.Request?.RequestUri is { } uri)
            exception.Request = new HttpRequestMessageWrapper(new HttpRequestMessage(answer.Request.Method, uri), "");
        return exception;
    }
}
