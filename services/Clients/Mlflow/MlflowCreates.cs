namespace Mlops.Clients.Mlflow;

/// <summary>
/// MLflow's creates that make a new object every time they run: a model version, a run, a webhook. One that timed out
/// or lost its connection may have been done, and sent again it would make a second version of the same training (which
/// would be promoted too), a second run or a second webhook. So it is not repeated in place; the saga step that called
/// it looks for what the first attempt made before it creates again. An answer that proves nothing was done (429, 503,
/// a refused connection) is retried as usual. Creates by name (experiments, registered models) answer
/// RESOURCE_ALREADY_EXISTS when repeated and stay repeatable.
/// </summary>
internal static class MlflowCreates
{
    private static readonly string[] NewObjectEachTime = ["/model-versions/create", "/runs/create", "/webhooks"];

    public static bool IsRepeatable(HttpRequestMessage request) =>
        request.Method != HttpMethod.Post
        || request.RequestUri?.AbsolutePath is not { } path
        || !NewObjectEachTime.Any(create => path.EndsWith(create, StringComparison.Ordinal));
}
