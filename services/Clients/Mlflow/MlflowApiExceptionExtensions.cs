using System.Net;
using System.Text.Json;
using Refit;

namespace Mlops.Clients.Mlflow;

/// <summary>Reads MLflow's error body out of Refit's <see cref="ApiException"/>.</summary>
public static class MlflowApiExceptionExtensions
{
    /// <summary>MLflow's <c>{"error_code", "message"}</c>; null when the body is not one (a proxy's page, an empty 502).</summary>
    public static MlflowError? MlflowError(this ApiException exception)
    {
        if (string.IsNullOrWhiteSpace(exception.Content))
            return null;
        try
        {
            var error = JsonSerializer.Deserialize<MlflowError>(exception.Content, MlflowJson.Options);
            return error is { ErrorCode.Length: > 0 } ? error : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>True when MLflow answered with <paramref name="errorCode"/> (see <see cref="MlflowErrorCode"/>).</summary>
    public static bool Is(this ApiException exception, string errorCode) => exception.MlflowError()?.ErrorCode == errorCode;

    /// <summary>MLflow's own "does not exist" (404 with <c>RESOURCE_DOES_NOT_EXIST</c>), not a wrong URL.</summary>
    public static bool IsResourceDoesNotExist(this ApiException exception) =>
        exception.StatusCode == HttpStatusCode.NotFound && exception.Is(MlflowErrorCode.ResourceDoesNotExist);
}
