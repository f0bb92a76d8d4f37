namespace Mlops.Clients.Mlflow;

/// <summary>MLflow's <c>error_code</c> values and the HTTP status its server pairs with each.</summary>
public static class MlflowErrorCode
{
    /// <summary>404.</summary>
    public const string ResourceDoesNotExist = "RESOURCE_DOES_NOT_EXIST";

    /// <summary>400, not 409.</summary>
    public const string ResourceAlreadyExists = "RESOURCE_ALREADY_EXISTS";

    /// <summary>400.</summary>
    public const string InvalidParameterValue = "INVALID_PARAMETER_VALUE";

    /// <summary>400.</summary>
    public const string BadRequest = "BAD_REQUEST";

    /// <summary>409.</summary>
    public const string ResourceConflict = "RESOURCE_CONFLICT";

    /// <summary>403.</summary>
    public const string PermissionDenied = "PERMISSION_DENIED";

    /// <summary>401.</summary>
    public const string Unauthenticated = "UNAUTHENTICATED";

    /// <summary>429.</summary>
    public const string RequestLimitExceeded = "REQUEST_LIMIT_EXCEEDED";

    /// <summary>503.</summary>
    public const string TemporarilyUnavailable = "TEMPORARILY_UNAVAILABLE";

    /// <summary>500.</summary>
    public const string InternalError = "INTERNAL_ERROR";
}
