using System.Net;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Mlops.Clients.Resilience;

/// <summary>
/// Which answers of an outside system a moment may cure: 408, 429 and 5xx (but 501), refused or dropped connections and
/// attempt timeouts. Everything else, 400/401/403/404/409/422 above all, is the answer and is not asked again.
/// </summary>
public static class TransientOutcome
{
    public static bool IsTransient(Outcome<HttpResponseMessage> outcome) =>
        outcome.Exception is { } exception ? IsTransient(exception) : outcome.Result is { } response && IsTransient(response.StatusCode);

    public static bool IsTransient(HttpStatusCode status) =>
        status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests
        || ((int)status >= 500 && status != HttpStatusCode.NotImplemented);

    /// <summary>
    /// Whether the answer proves the request was not carried out: a 429 or 503 (the server or its proxy turned it away),
    /// or a connection that could not be made. A timeout, a dropped connection or a 500 may come after the work was done.
    /// </summary>
    public static bool WasRefused(Outcome<HttpResponseMessage> outcome) =>
        outcome.Exception is { } exception
            ? exception is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError }
            : outcome.Result?.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable;

    // An open breaker is not retried in place: it is the breaker's answer, and retrying it would only wait.
    private static bool IsTransient(Exception exception) => exception switch
    {
        BrokenCircuitException => false,
        TimeoutRejectedException => true,
        HttpRequestException => true,
        IOException => true,
        _ => false,
    };
}
