using System.Text.Json;
using Refit;

namespace Mlops.SagaSteps.Tests.ModelHome;

/// <summary>The slice of MLflow's registry REST API the model home uses, as a Refit client.</summary>
public interface IMlflowModelsApi
{
    [Get("/api/2.0/mlflow/registered-models/get")]
    Task<JsonElement> GetRegisteredModelAsync([AliasAs("name")] string name, CancellationToken cancellationToken = default);

    [Post("/api/2.0/mlflow/registered-models/create")]
    Task<JsonElement> CreateRegisteredModelAsync([Body] object request, CancellationToken cancellationToken = default);
}
