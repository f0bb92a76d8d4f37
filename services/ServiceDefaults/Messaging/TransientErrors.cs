using System.Data.Common;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using k8s;
using k8s.Autorest;
using MassTransit;
using Minio.Exceptions;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;
using Refit;

namespace Mlops.ServiceDefaults.Messaging;

/// <summary>
/// Which failures are worth retrying: the ones a moment may cure (timeouts, dropped connections, 408, 429 and 5xx, open
/// circuit breakers), conflicts that a re-read cures (409 on an update, lost optimistic-concurrency races), and everything
/// else, bad input above all, which fails at once instead of being tried again in vain. Knows the exceptions the outside
/// clients really throw: KubernetesClient, Refit (MLflow), the Minio SDK, Polly, HttpClient and sockets.
/// </summary>
public static partial class TransientErrors
{
    private const int MaxReasonLength = 300;

    /// <summary>True for what a retry of the whole message may cure: transient failures and conflicts (the retry re-reads).</summary>
    public static bool IsTransient(Exception exception) => Classify(exception).Kind != OutsideFailureKind.Permanent;

    /// <summary>429, 408 and every 5xx except 501 (not implemented does not heal).</summary>
    public static bool IsTransientStatus(HttpStatusCode status) =>
        status is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout
        || ((int)status >= 500 && status != HttpStatusCode.NotImplemented);

    /// <summary>Classifies <paramref name="exception"/> (looking through inner and aggregate exceptions) with a one-line reason.</summary>
    public static OutsideFailure Classify(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return ClassifyCore(exception, depth: 0);
    }

    private static OutsideFailure ClassifyCore(Exception exception, int depth)
    {
        if (depth > 16)
            return Permanent(exception);
        switch (exception)
        {
            case AggregateException aggregate:
                return OfAggregate(aggregate, depth);
            case OutsideFailureException named:
                return new OutsideFailure(named.Kind, named.StatusCode, Scrub(named.Message));
            case ConcurrencyException:
                return new OutsideFailure(OutsideFailureKind.Conflict, null, "the saga instance was changed concurrently");
            case HttpOperationException kubernetes:
                return OfKubernetes(kubernetes);
            case KubernetesException { Status: { } status }:
                return OfStatus(status.Code ?? 0, "Kubernetes", status.Reason, status.Message, kubernetesReason: status.Reason);
            case ApiException refit:
                return OfRefit(refit);
            case ApiRequestException request:
                return request.InnerException is { } cause
                    ? ClassifyCore(cause, depth + 1)
                    : new OutsideFailure(OutsideFailureKind.Transient, null, "the request got no answer");
            case AuthorizationException:
                // The Minio SDK's answer to SignatureDoesNotMatch and InvalidAccessKeyId: wrong keys stay wrong.
                return new OutsideFailure(OutsideFailureKind.Permanent, 403, "HTTP 403 from MinIO: the access key or its secret was refused");
            case MinioException minio:
                return OfMinio(minio, depth);
            case NullReferenceException when exception.TargetSite?.DeclaringType?.FullName?.StartsWith("Minio.", StringComparison.Ordinal) == true:
                // The Minio SDK 7.0.0 fails in its own error parsing when an error answer has no body (any HEAD, such as
                // StatObject, answered 429 or 5xx): the status is lost. 404, 400 and 403 without a body it does parse, so
                // what is left is mostly throttling and unavailability.
                return new OutsideFailure(OutsideFailureKind.Transient, null, "MinIO answered an error without a body (throttled or unavailable)");
            case BrokenCircuitException:
                return new OutsideFailure(OutsideFailureKind.Transient, null, "the circuit breaker is open after repeated failures");
            case TimeoutRejectedException:
                return new OutsideFailure(OutsideFailureKind.Transient, null, "timed out");
            case ExecutionRejectedException:
                return new OutsideFailure(OutsideFailureKind.Transient, null, "the resilience pipeline rejected the call (rate limited)");
            case MassTransit.ConnectionException:
                return new OutsideFailure(OutsideFailureKind.Transient, null, "the broker connection failed");
            case TimeoutException or RequestTimeoutException:
                return new OutsideFailure(OutsideFailureKind.Transient, null, "timed out");
            case TaskCanceledException { InnerException: TimeoutException }:
                // HttpClient.Timeout elapsing: a TaskCanceledException around a TimeoutException.
                return new OutsideFailure(OutsideFailureKind.Transient, null, "timed out");
            case HttpRequestException http:
                return OfHttpRequest(http, depth);
            case SocketException socket:
                return new OutsideFailure(OutsideFailureKind.Transient, null, $"connection failed ({socket.SocketErrorCode})");
            case FileNotFoundException or DirectoryNotFoundException:
                return Permanent(exception);
            case IOException:
                return new OutsideFailure(OutsideFailureKind.Transient, null, "the connection was dropped");
            case DbException db:
                return db.IsTransient
                    ? new OutsideFailure(OutsideFailureKind.Transient, null, "the database is unavailable")
                    : Permanent(exception);
            case OperationCanceledException:
                return new OutsideFailure(OutsideFailureKind.Permanent, null, "cancelled");
        }
        return exception.InnerException is { } inner ? ClassifyCore(inner, depth + 1) : Permanent(exception);
    }

    private static OutsideFailure OfAggregate(AggregateException aggregate, int depth)
    {
        var parts = aggregate.InnerExceptions.Select(e => ClassifyCore(e, depth + 1)).ToList();
        if (parts.Count == 0)
            return Permanent(aggregate);
        // Retrying helps only if it helps every part; the first part that will not heal decides the reason.
        return parts.FirstOrDefault(p => p.Kind == OutsideFailureKind.Permanent)
            ?? parts.FirstOrDefault(p => p.Kind == OutsideFailureKind.Conflict)
            ?? parts[0];
    }

    private static OutsideFailure OfKubernetes(HttpOperationException exception)
    {
        var code = (int?)exception.Response?.StatusCode ?? 0;
        string? reason = null, message = null;
        if (exception.Response?.Content is { Length: > 0 } content)
        {
            // Kubernetes answers errors with a Status object: kind, reason, message, code.
            try
            {
                using var document = JsonDocument.Parse(content);
                var root = document.RootElement;
                if (root.ValueKind == JsonValueKind.Object)
                {
                    reason = root.TryGetProperty("reason", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null;
                    message = root.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
                }
            }
            catch (JsonException)
            {
                // Not a Status (a proxy's HTML page): the status code alone has to do.
            }
        }
        return OfStatus(code, "Kubernetes", reason, message, kubernetesReason: reason);
    }

    private static OutsideFailure OfRefit(ApiException exception)
    {
        string? errorCode = null, message = null;
        if (exception.HasContent && exception.Content is { } content)
        {
            // MLflow's error body: {"error_code": "RESOURCE_DOES_NOT_EXIST", "message": "..."}.
            try
            {
                using var document = JsonDocument.Parse(content);
                var root = document.RootElement;
                if (root.ValueKind == JsonValueKind.Object)
                {
                    errorCode = root.TryGetProperty("error_code", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
                    message = root.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
                }
            }
            catch (JsonException)
            {
                // Not MLflow's body: the status code alone has to do.
            }
        }
        var system = errorCode is not null ? "MLflow" : exception.Uri?.Host ?? "the server";
        return OfStatus((int)exception.StatusCode, system, errorCode, message, kubernetesReason: null);
    }

    private static OutsideFailure OfMinio(MinioException exception, int depth)
    {
        switch (exception)
        {
            case Minio.Exceptions.ConnectionException:
                return new OutsideFailure(OutsideFailureKind.Transient, null, "MinIO could not be reached");
            case BucketNotFoundException:
                return new OutsideFailure(OutsideFailureKind.Permanent, 404, "HTTP 404 from MinIO (NoSuchBucket): the bucket does not exist");
            case ObjectNotFoundException:
                return new OutsideFailure(OutsideFailureKind.Permanent, 404, "HTTP 404 from MinIO (NoSuchKey): the object does not exist");
            case AccessDeniedException:
                return new OutsideFailure(OutsideFailureKind.Permanent, 403, "HTTP 403 from MinIO (AccessDenied)");
            case InvalidBucketNameException or InvalidObjectNameException or InvalidObjectPrefixException:
                return new OutsideFailure(OutsideFailureKind.Permanent, 400, "MinIO refused the name: " + exception.ServerMessage);
        }
        // Errors with an S3 body arrive as UnexpectedMinioException (or ErrorResponseException) carrying only the S3 code,
        // not the status, so the code decides.
        if (exception.Response?.Code is { Length: > 0 } code)
        {
            var status = StatusOfS3Code(code) ?? StatusOf(exception.ServerResponse);
            return OfStatus(status ?? 0, "MinIO", code, exception.Response.Message, kubernetesReason: null, knownCodeKind: KindOfS3Code(code));
        }
        if (StatusOf(exception.ServerResponse) is { } answered)
            return OfStatus(answered, "MinIO", null, null, kubernetesReason: null);
        return exception.InnerException is { } inner ? ClassifyCore(inner, depth + 1) : Permanent(exception);
    }

    private static int? StatusOf(Minio.DataModel.Result.ResponseResult? response) =>
        response is { StatusCode: var status } && status != 0 ? (int)status : null;

    // The S3 and MinIO error codes that name a passing condition; MinIO answers 429 and 503 with SlowDown.
    private static OutsideFailureKind? KindOfS3Code(string code) => code switch
    {
        "SlowDown" or "SlowDownRead" or "SlowDownWrite" or "ServiceUnavailable" or "InternalError" or "RequestTimeout"
            or "OperationTimedOut" or "XMinioServerNotInitialized" or "XMinioStorageFull" => OutsideFailureKind.Transient,
        "OperationAborted" => OutsideFailureKind.Conflict,
        _ => null,
    };

    private static int? StatusOfS3Code(string code) => code switch
    {
        "SlowDown" or "SlowDownRead" or "SlowDownWrite" or "ServiceUnavailable" or "XMinioServerNotInitialized" => 503,
        "InternalError" or "XMinioStorageFull" => 500,
        "RequestTimeout" => 400,
        "OperationAborted" or "BucketNotEmpty" or "BucketAlreadyExists" or "BucketAlreadyOwnedByYou" => 409,
        "NoSuchBucket" or "NoSuchKey" or "NoSuchUpload" => 404,
        "AccessDenied" or "SignatureDoesNotMatch" or "InvalidAccessKeyId" => 403,
        "InvalidArgument" or "MalformedXML" or "InvalidBucketName" or "InvalidRequest" => 400,
        _ => null,
    };

    private static OutsideFailure OfHttpRequest(HttpRequestException exception, int depth)
    {
        if (exception.StatusCode is { } status)
            return OfStatus((int)status, "the server", null, null, kubernetesReason: null);
        return exception.HttpRequestError switch
        {
            // A certificate, a refused login, a protocol mismatch or a limit of ours do not heal by waiting.
            HttpRequestError.SecureConnectionError or HttpRequestError.UserAuthenticationError or HttpRequestError.VersionNegotiationError
                or HttpRequestError.ConfigurationLimitExceeded
                => new OutsideFailure(OutsideFailureKind.Permanent, null, $"the request failed ({exception.HttpRequestError}): {Scrub(exception.Message)}"),
            HttpRequestError.NameResolutionError => new OutsideFailure(OutsideFailureKind.Transient, null, "the host name could not be resolved"),
            HttpRequestError.ConnectionError when exception.InnerException is SocketException socket
                => new OutsideFailure(OutsideFailureKind.Transient, null, $"connection failed ({socket.SocketErrorCode})"),
            HttpRequestError.ConnectionError => new OutsideFailure(OutsideFailureKind.Transient, null, "connection failed"),
            HttpRequestError.ResponseEnded => new OutsideFailure(OutsideFailureKind.Transient, null, "the connection was dropped before the answer ended"),
            _ => new OutsideFailure(OutsideFailureKind.Transient, null, "the request got no answer"),
        };
    }

    private static OutsideFailure OfStatus(int code, string system, string? errorCode, string? message, string? kubernetesReason,
        OutsideFailureKind? knownCodeKind = null)
    {
        var kind = knownCodeKind ?? code switch
        {
            409 when kubernetesReason == "AlreadyExists" => OutsideFailureKind.Permanent, // a create of a taken name, not a race
            409 => OutsideFailureKind.Conflict,
            _ when code > 0 && IsTransientStatus((HttpStatusCode)code) => OutsideFailureKind.Transient,
            _ => OutsideFailureKind.Permanent,
        };
        var text = code > 0 ? $"HTTP {code} from {system}" : $"{system} answered";
        if (errorCode is { Length: > 0 })
            text += $" ({errorCode})";
        if (message is { Length: > 0 })
            text += ": " + message;
        return new OutsideFailure(kind, code > 0 ? code : null, Scrub(text));
    }

    private static OutsideFailure Permanent(Exception exception) =>
        new(OutsideFailureKind.Permanent, null, Scrub($"{exception.GetType().Name}: {exception.Message}"));

    /// <summary>One line, bounded, with credentials in URLs and key=value secrets masked.</summary>
    internal static string Scrub(string text)
    {
        var line = string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        line = UrlCredentials().Replace(line, "$1***@");
        line = SecretAssignment().Replace(line, "$1=***");
        return line.Length <= MaxReasonLength ? line : line[..(MaxReasonLength - 1)] + "…";
    }

    [GeneratedRegex(@"([a-zA-Z][a-zA-Z0-9+.-]*://)[^/\s@]+@")]
    private static partial Regex UrlCredentials();

    [GeneratedRegex(@"(?i)\b(password|passwd|pwd|secret|secretkey|secret_key|token|access_token|api_key|apikey|authorization|x-amz-signature|signature)\s*[=:]\s*[^\s;&,]+")]
    private static partial Regex SecretAssignment();
}
