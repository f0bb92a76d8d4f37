using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using MassTransit;
using Mlops.ServiceDefaults.Messaging;

namespace Mlops.ServiceDefaults.Tests;

public sealed class TransientErrorsTests
{
    public static TheoryData<Exception> Transient =>
    [
        new TimeoutException(),
        new SocketException((int)SocketError.ConnectionRefused),
        new IOException("connection reset"),
        new HttpRequestException("no answer"),
        new HttpRequestException("busy", null, HttpStatusCode.TooManyRequests),
        new HttpRequestException("down", null, HttpStatusCode.ServiceUnavailable),
        new ConcurrencyException("stale version", typeof(object), Guid.NewGuid()),
        new InvalidOperationException("wrapped", new TimeoutException()),
    ];

    public static TheoryData<Exception> Permanent =>
    [
        new JsonException("bad body"),
        new FormatException("not a MinIO event"),
        new ArgumentException("bad name"),
        new FileNotFoundException("gone"),
        new HttpRequestException("not found", null, HttpStatusCode.NotFound),
        new HttpRequestException("not implemented", null, HttpStatusCode.NotImplemented),
        new InvalidOperationException("wrapped", new JsonException()),
    ];

    [Theory]
    [MemberData(nameof(Transient))]
    public void Should_retry_what_a_moment_may_cure(Exception exception) => Assert.True(TransientErrors.IsTransient(exception));

    [Theory]
    [MemberData(nameof(Permanent))]
    public void Should_send_bad_input_and_permanent_failures_to_the_error_queue_at_once(Exception exception) =>
        Assert.False(TransientErrors.IsTransient(exception));
}
