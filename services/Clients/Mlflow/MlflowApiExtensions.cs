using System.Net;
using System.Runtime.CompilerServices;
using Mlops.Clients.Mlflow.Model;
using Refit;

namespace Mlops.Clients.Mlflow;

/// <summary>Reads where "not found" is an answer (null instead of an exception), paging, and what the server can do.</summary>
public static class MlflowApiExtensions
{
    public static Task<MlflowModelVersion?> FindModelVersionAsync(this IMlflowApi api, string name, string version, CancellationToken cancellationToken = default) =>
        OrNullAsync(async () => (await api.GetModelVersionAsync(name, version, cancellationToken)).ModelVersion);

    public static Task<MlflowRegisteredModel?> FindRegisteredModelAsync(this IMlflowApi api, string name, CancellationToken cancellationToken = default) =>
        OrNullAsync(async () => (await api.GetRegisteredModelAsync(name, cancellationToken)).RegisteredModel);

    /// <summary>The version <paramref name="alias"/> points at; null when the model or the alias does not exist.</summary>
    public static Task<MlflowModelVersion?> FindModelVersionByAliasAsync(this IMlflowApi api, string name, string alias, CancellationToken cancellationToken = default) =>
        OrNullAsync(async () => (await api.GetModelVersionByAliasAsync(name, alias, cancellationToken)).ModelVersion);

    public static Task<MlflowExperiment?> FindExperimentByNameAsync(this IMlflowApi api, string experimentName, CancellationToken cancellationToken = default) =>
        OrNullAsync(async () => (await api.GetExperimentByNameAsync(experimentName, cancellationToken)).Experiment);

    public static Task<MlflowRun?> FindRunAsync(this IMlflowApi api, string runId, CancellationToken cancellationToken = default) =>
        OrNullAsync(async () => (await api.GetRunAsync(runId, cancellationToken)).Run);

    public static Task<MlflowLoggedModel?> FindLoggedModelAsync(this IMlflowApi api, string modelId, CancellationToken cancellationToken = default) =>
        OrNullAsync(async () => (await api.GetLoggedModelAsync(modelId, cancellationToken)).Model);

    public static Task<MlflowWebhook?> FindWebhookAsync(this IMlflowApi api, string webhookId, CancellationToken cancellationToken = default) =>
        OrNullAsync(async () => (await api.GetWebhookAsync(webhookId, cancellationToken)).Webhook);

    /// <summary>Every registered model matching <paramref name="filter"/>, page after page.</summary>
    public static async IAsyncEnumerable<MlflowRegisteredModel> SearchAllRegisteredModelsAsync(
        this IMlflowApi api, string? filter = null, int pageSize = 100, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        string? token = null;
        do
        {
            var page = await api.SearchRegisteredModelsAsync(filter, pageSize, pageToken: token, cancellationToken: cancellationToken);
            foreach (var model in page.RegisteredModels)
                yield return model;
            token = page.NextPageToken;
        }
        while (!string.IsNullOrEmpty(token));
    }

    /// <summary>Every model version matching <paramref name="filter"/> (e.g. <c>name='cnn_classifier'</c>), page after page.</summary>
    public static async IAsyncEnumerable<MlflowModelVersion> SearchAllModelVersionsAsync(
        this IMlflowApi api, string? filter = null, int pageSize = 200, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        string? token = null;
        do
        {
            var page = await api.SearchModelVersionsAsync(filter, pageSize, pageToken: token, cancellationToken: cancellationToken);
            foreach (var version in page.ModelVersions)
                yield return version;
            token = page.NextPageToken;
        }
        while (!string.IsNullOrEmpty(token));
    }

    /// <summary>
    /// Whether the server has MLflow 3's webhook API. MLflow 2.x answers 404 on <c>/webhooks</c> (405 or 501 where a
    /// backend lacks it); any other failure is not an answer to this question and is thrown.
    /// </summary>
    public static async Task<bool> HasWebhookApiAsync(this IMlflowApi api, CancellationToken cancellationToken = default)
    {
        try
        {
            await api.ListWebhooksAsync(maxResults: 1, cancellationToken: cancellationToken);
            return true;
        }
        catch (ApiException ex) when (ex.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed or HttpStatusCode.NotImplemented)
        {
            return false;
        }
    }

    /// <summary>The server's version (<c>GET /version</c>): major, minor and patch, pre-release suffixes dropped.</summary>
    public static async Task<Version> DetectServerVersionAsync(this IMlflowApi api, CancellationToken cancellationToken = default)
    {
        var text = (await api.GetServerVersionAsync(cancellationToken)).Trim().Trim('"');
        var numeric = new string(text.TakeWhile(c => char.IsAsciiDigit(c) || c == '.').ToArray()).TrimEnd('.');
        return Version.TryParse(numeric.Contains('.', StringComparison.Ordinal) ? numeric : numeric + ".0", out var version)
            ? version
            : throw new FormatException($"MLflow answered GET /version with '{text}', which is not a version.");
    }

    private static async Task<T?> OrNullAsync<T>(Func<Task<T>> read) where T : class
    {
        try
        {
            return await read();
        }
        catch (ApiException ex) when (ex.IsResourceDoesNotExist())
        {
            return null;
        }
    }
}
