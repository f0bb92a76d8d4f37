namespace Mlops.Sandbox.Mlflow;

/// <summary>MLflow's error codes and the HTTP status its server answers each with.</summary>
public static class MlflowErrorCode
{
    public const string ResourceDoesNotExist = "RESOURCE_DOES_NOT_EXIST";
    public const string ResourceAlreadyExists = "RESOURCE_ALREADY_EXISTS";
    public const string InvalidParameterValue = "INVALID_PARAMETER_VALUE";
    public const string BadRequest = "BAD_REQUEST";
    public const string ResourceConflict = "RESOURCE_CONFLICT";
    public const string Aborted = "ABORTED";
    public const string PermissionDenied = "PERMISSION_DENIED";
    public const string Unauthenticated = "UNAUTHENTICATED";
    public const string RequestLimitExceeded = "REQUEST_LIMIT_EXCEEDED";
    public const string TemporarilyUnavailable = "TEMPORARILY_UNAVAILABLE";
    public const string InternalError = "INTERNAL_ERROR";

    /// <summary>The status MLflow pairs with <paramref name="errorCode"/>; note RESOURCE_ALREADY_EXISTS is 400, not 409.</summary>
    public static int StatusOf(string errorCode) => errorCode switch
    {
        ResourceDoesNotExist => 404,
        ResourceAlreadyExists or InvalidParameterValue or BadRequest => 400,
        ResourceConflict or Aborted => 409,
        PermissionDenied => 403,
        Unauthenticated => 401,
        RequestLimitExceeded => 429,
        TemporarilyUnavailable => 503,
        _ => 500,
    };

    /// <summary>The code MLflow sends with an HTTP status, for injected faults.</summary>
    public static string OfStatus(int statusCode) => statusCode switch
    {
        400 => BadRequest,
        401 => Unauthenticated,
        403 => PermissionDenied,
        404 => ResourceDoesNotExist,
        409 => ResourceConflict,
        429 => RequestLimitExceeded,
        503 => TemporarilyUnavailable,
        _ => InternalError,
    };
}
