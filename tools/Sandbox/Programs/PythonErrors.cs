using Mlops.Sandbox.Cluster;

namespace Mlops.Sandbox.Programs;

/// <summary>What requests, urllib3 and botocore print when an address reaches nothing, as MLflow and training scripts show it.</summary>
public static class PythonErrors
{
    // urllib3 prints the connection object's address; a fixed one keeps logs comparable.
    private const string Connection = "<urllib3.connection.HTTPConnection object at 0x7f3c2a1e5d50>";

    /// <summary>urllib3's cause of a failed connection to <paramref name="route"/>.</summary>
    public static string ConnectionCause(ClusterRoute route) => route.Failure switch
    {
        ClusterRouteFailure.UnknownHost => $"NameResolutionError(\"{Connection}: Failed to resolve '{route.Address.Host}' ([Errno -2] Name or service not known)\")",
        _ => $"NewConnectionError('{Connection}: Failed to establish a new connection: [Errno 111] Connection refused')",
    };

    /// <summary>requests' ConnectionError text for a request to <paramref name="url"/> that could not connect.</summary>
    public static string MaxRetries(Uri url, ClusterRoute route) =>
        $"HTTPConnectionPool(host='{url.Host}', port={url.Port}): Max retries exceeded with url: {url.PathAndQuery} (Caused by {ConnectionCause(route)})";

    /// <summary>MLflow's wrapping of a tracking request that could not connect.</summary>
    public static string MlflowApiRequestFailed(Uri url, ClusterRoute route) =>
        $"mlflow.exceptions.MlflowException: API request to {url.GetLeftPart(UriPartial.Path)} failed with exception {MaxRetries(url, route)}";

    /// <summary>botocore's error for an S3 endpoint that could not be reached.</summary>
    public static string EndpointConnection(Uri url) =>
        $"botocore.exceptions.EndpointConnectionError: Could not connect to the endpoint URL: \"{url}\"";

    public const string NoCredentials = "botocore.exceptions.NoCredentialsError: Unable to locate credentials";

    public static string ModuleNotFound(string module) => $"ModuleNotFoundError: No module named '{module}'";
}
