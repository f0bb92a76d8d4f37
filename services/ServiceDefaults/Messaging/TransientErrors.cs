using System.Data.Common;
using System.Net;
using System.Net.Sockets;
using MassTransit;

namespace Mlops.ServiceDefaults.Messaging;

/// <summary>
/// Which failures are worth retrying in place: the ones a moment may cure (timeouts, dropped
/// connections, 429 and 5xx, lost optimistic-concurrency races). Everything else, bad input
/// above all, goes to the error queue at once instead of being tried again in vain.
/// </summary>
public static class TransientErrors
{
    public static bool IsTransient(Exception exception) => exception switch
    {
        ConcurrencyException => true,
        TimeoutException => true,
        RequestTimeoutException => true,
        SocketException => true,
        FileNotFoundException or DirectoryNotFoundException => false,
        IOException => true,
        DbException db => db.IsTransient,
        HttpRequestException { StatusCode: null } => true,
        HttpRequestException { StatusCode: var code } => IsTransientStatus(code.Value),
        TaskCanceledException { InnerException: TimeoutException } => true,
        AggregateException aggregate => aggregate.InnerExceptions.All(IsTransient),
        _ => exception.InnerException is { } inner && IsTransient(inner),
    };

    /// <summary>429 and every 5xx except 501 (not implemented does not heal).</summary>
    public static bool IsTransientStatus(HttpStatusCode status) =>
        status == HttpStatusCode.TooManyRequests || ((int)status >= 500 && status != HttpStatusCode.NotImplemented);
}
