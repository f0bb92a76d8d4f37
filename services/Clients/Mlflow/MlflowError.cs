namespace Mlops.Clients.Mlflow;

/// <summary>MLflow's error body <c>{"error_code", "message"}</c>; see <see cref="MlflowErrorCode"/>.</summary>
public sealed record MlflowError
{
    public string ErrorCode { get; init; } = "";

    public string Message { get; init; } = "";
}
