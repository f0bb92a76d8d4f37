namespace Mlops.Sandbox.Mlflow;

/// <summary>A failed MLflow call, answered as <c>{"error_code", "message"}</c> with the code's status.</summary>
public sealed class MlflowException : Exception
{
    public MlflowException(string errorCode, string message)
        : base(message)
    {
        ErrorCode = errorCode;
    }

    public MlflowException()
        : this(MlflowErrorCode.InternalError, "Internal error")
    {
    }

    public MlflowException(string message)
        : this(MlflowErrorCode.InternalError, message)
    {
    }

    public MlflowException(string message, Exception innerException)
        : base(message, innerException)
    {
        ErrorCode = MlflowErrorCode.InternalError;
    }

    public string ErrorCode { get; }

    public int StatusCode => MlflowErrorCode.StatusOf(ErrorCode);

    public static MlflowException NotFound(string message) => new(MlflowErrorCode.ResourceDoesNotExist, message);

    public static MlflowException AlreadyExists(string message) => new(MlflowErrorCode.ResourceAlreadyExists, message);

    public static MlflowException InvalidParameter(string message) => new(MlflowErrorCode.InvalidParameterValue, message);

    /// <summary>MLflow's wording when a required request field is absent.</summary>
    public static MlflowException MissingParameter(string name) =>
        InvalidParameter($"Missing value for required parameter '{name}'. See the API docs for more information about request parameters.");
}
