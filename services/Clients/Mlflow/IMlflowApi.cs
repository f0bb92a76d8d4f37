using Mlops.Clients.Mlflow.Model;
using Refit;

namespace Mlops.Clients.Mlflow;

/// <summary>
/// MLflow's REST API (<c>/api/2.0/mlflow/</c>, MLflow 2.x and 3.x) as a Refit client. An error answer throws Refit's
/// <see cref="ApiException"/>; <see cref="MlflowApiExceptionExtensions.MlflowError"/> reads MLflow's code from it, and
/// <see cref="MlflowApiExtensions"/> adds the reads where "not found" is an answer (null), paging and capability checks.
/// </summary>
public interface IMlflowApi
{
    private const string Api = "/api/2.0/mlflow";

    // Registered models
    [Post(Api + "/registered-models/create")]
    Task<RegisteredModelResponse> CreateRegisteredModelAsync([Body] CreateRegisteredModelRequest request, CancellationToken cancellationToken = default);

    [Get(Api + "/registered-models/get")]
    Task<RegisteredModelResponse> GetRegisteredModelAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>One page; pass <see cref="RegisteredModelsPage.NextPageToken"/> back for the next.</summary>
    [Get(Api + "/registered-models/search")]
    Task<RegisteredModelsPage> SearchRegisteredModelsAsync(
        string? filter = null,
        [AliasAs("max_results")] int? maxResults = null,
        [AliasAs("order_by")][Query(CollectionFormat.Multi)] IEnumerable<string>? orderBy = null,
        [AliasAs("page_token")] string? pageToken = null,
        CancellationToken cancellationToken = default);

    [Patch(Api + "/registered-models/update")]
    Task<RegisteredModelResponse> UpdateRegisteredModelAsync([Body] UpdateRegisteredModelRequest request, CancellationToken cancellationToken = default);

    [Delete(Api + "/registered-models/delete")]
    Task DeleteRegisteredModelAsync([Body] RegisteredModelNameRequest request, CancellationToken cancellationToken = default);

    [Post(Api + "/registered-models/get-latest-versions")]
    Task<ModelVersionsResponse> GetLatestVersionsAsync([Body] GetLatestVersionsRequest request, CancellationToken cancellationToken = default);

    [Post(Api + "/registered-models/set-tag")]
    Task SetRegisteredModelTagAsync([Body] SetRegisteredModelTagRequest request, CancellationToken cancellationToken = default);

    [Post(Api + "/registered-models/alias")]
    Task SetAliasAsync([Body] SetAliasRequest request, CancellationToken cancellationToken = default);

    [Get(Api + "/registered-models/alias")]
    Task<ModelVersionResponse> GetModelVersionByAliasAsync(string name, [AliasAs("alias")] string aliasName, CancellationToken cancellationToken = default);

    [Delete(Api + "/registered-models/alias")]
    Task DeleteAliasAsync([Body] DeleteAliasRequest request, CancellationToken cancellationToken = default);

    // Model versions
    [Post(Api + "/model-versions/create")]
    Task<ModelVersionResponse> CreateModelVersionAsync([Body] CreateModelVersionRequest request, CancellationToken cancellationToken = default);

    [Get(Api + "/model-versions/get")]
    Task<ModelVersionResponse> GetModelVersionAsync(string name, string version, CancellationToken cancellationToken = default);

    /// <summary>One page; <paramref name="filter"/> e.g. <c>name='cnn_classifier'</c> or <c>run_id='…'</c>.</summary>
    [Get(Api + "/model-versions/search")]
    Task<ModelVersionsPage> SearchModelVersionsAsync(
        string? filter = null,
        [AliasAs("max_results")] int? maxResults = null,
        [AliasAs("order_by")][Query(CollectionFormat.Multi)] IEnumerable<string>? orderBy = null,
        [AliasAs("page_token")] string? pageToken = null,
        CancellationToken cancellationToken = default);

    [Post(Api + "/model-versions/transition-stage")]
    Task<ModelVersionResponse> TransitionStageAsync([Body] TransitionStageRequest request, CancellationToken cancellationToken = default);

    [Get(Api + "/model-versions/get-download-uri")]
    Task<DownloadUriResponse> GetDownloadUriAsync(string name, string version, CancellationToken cancellationToken = default);

    [Patch(Api + "/model-versions/update")]
    Task<ModelVersionResponse> UpdateModelVersionAsync([Body] UpdateModelVersionRequest request, CancellationToken cancellationToken = default);

    [Post(Api + "/model-versions/set-tag")]
    Task SetModelVersionTagAsync([Body] SetModelVersionTagRequest request, CancellationToken cancellationToken = default);

    // Experiments
    [Get(Api + "/experiments/get-by-name")]
    Task<ExperimentResponse> GetExperimentByNameAsync([AliasAs("experiment_name")] string experimentName, CancellationToken cancellationToken = default);

    [Post(Api + "/experiments/create")]
    Task<CreateExperimentResponse> CreateExperimentAsync([Body] CreateExperimentRequest request, CancellationToken cancellationToken = default);

    // Runs
    [Post(Api + "/runs/create")]
    Task<RunResponse> CreateRunAsync([Body] CreateRunRequest request, CancellationToken cancellationToken = default);

    [Get(Api + "/runs/get")]
    Task<RunResponse> GetRunAsync([AliasAs("run_id")] string runId, CancellationToken cancellationToken = default);

    [Post(Api + "/runs/update")]
    Task<UpdateRunResponse> UpdateRunAsync([Body] UpdateRunRequest request, CancellationToken cancellationToken = default);

    [Post(Api + "/runs/log-batch")]
    Task LogBatchAsync([Body] LogBatchRequest request, CancellationToken cancellationToken = default);

    [Post(Api + "/runs/set-tag")]
    Task SetRunTagAsync([Body] SetRunTagRequest request, CancellationToken cancellationToken = default);

    [Post(Api + "/runs/search")]
    Task<RunsPage> SearchRunsAsync([Body] SearchRunsRequest request, CancellationToken cancellationToken = default);

    // Logged models (MLflow 3)
    [Get(Api + "/logged-models/{modelId}")]
    Task<LoggedModelResponse> GetLoggedModelAsync(string modelId, CancellationToken cancellationToken = default);

    /// <summary>One page of an experiment's logged models; MLflow 2 answers 404 (<c>ENDPOINT_NOT_FOUND</c>).</summary>
    [Post(Api + "/logged-models/search")]
    Task<LoggedModelsPage> SearchLoggedModelsAsync([Body] SearchLoggedModelsRequest request, CancellationToken cancellationToken = default);

    // Webhooks (MLflow 3; MLflow 2 answers 404)
    [Post(Api + "/webhooks")]
    Task<WebhookResponse> CreateWebhookAsync([Body] CreateWebhookRequest request, CancellationToken cancellationToken = default);

    [Get(Api + "/webhooks")]
    Task<WebhooksPage> ListWebhooksAsync(
        [AliasAs("max_results")] int? maxResults = null,
        [AliasAs("page_token")] string? pageToken = null,
        CancellationToken cancellationToken = default);

    [Get(Api + "/webhooks/{webhookId}")]
    Task<WebhookResponse> GetWebhookAsync(string webhookId, CancellationToken cancellationToken = default);

    [Patch(Api + "/webhooks/{webhookId}")]
    Task<WebhookResponse> UpdateWebhookAsync(string webhookId, [Body] UpdateWebhookRequest request, CancellationToken cancellationToken = default);

    [Delete(Api + "/webhooks/{webhookId}")]
    Task DeleteWebhookAsync(string webhookId, CancellationToken cancellationToken = default);

    [Post(Api + "/webhooks/{webhookId}/test")]
    Task<WebhookTestResponse> TestWebhookAsync(string webhookId, [Body] TestWebhookRequest request, CancellationToken cancellationToken = default);

    // The server itself
    /// <summary>The server's version as plain text, e.g. <c>3.1.0</c>.</summary>
    [Get("/version")]
    Task<string> GetServerVersionAsync(CancellationToken cancellationToken = default);

    /// <summary><c>OK</c> while the server is up.</summary>
    [Get("/health")]
    Task<string> GetHealthAsync(CancellationToken cancellationToken = default);
}
