using System.Text.Json;
using Refit;

namespace Mlops.ServiceDefaults.Tests.Failures;

/// <summary>A slice of MLflow's registry REST API as a Refit client, to see the exceptions Refit really throws.</summary>
public interface IMlflowRegistryApi
{
    [Get("/api/2.0/mlflow/registered-models/get")]
    Task<JsonElement> GetRegisteredModelAsync([AliasAs("name")] string name, CancellationToken cancellationToken = default);

    [Post("/api/2.0/mlflow/registered-models/create")]
    Task<JsonElement> CreateRegisteredModelAsync([Body] object request, CancellationToken cancellationToken = default);
}
