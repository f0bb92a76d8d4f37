using Microsoft.AspNetCore.Http;

namespace Mlops.ServiceDefaults.Ops;

/// <summary>The ops API's error answers, all <c>application/problem+json</c> (RFC 9457).</summary>
public static class OpsProblems
{
    /// <summary>400 with the fields at fault.</summary>
    public static IResult BadRequest(IDictionary<string, string[]> errors) =>
        Results.ValidationProblem(errors, title: "The request is not valid.");

    /// <summary>400 for one field.</summary>
    public static IResult BadRequest(string field, string message) =>
        BadRequest(new Dictionary<string, string[]> { [field] = [message] });

    public static IResult Unauthorized(string detail) =>
        Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized", detail: detail);

    public static IResult NotFound(string detail) =>
        Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: detail);

    /// <summary>409: the request is understood but the saga's state does not allow it; the detail says why.</summary>
    public static IResult Conflict(string detail) =>
        Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "Not possible in the saga's state", detail: detail);

    /// <summary>503: the saga store could not commit, so nothing was sent.</summary>
    public static IResult StoreUnavailable(string detail) =>
        Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Saga store unavailable", detail: detail);
}
