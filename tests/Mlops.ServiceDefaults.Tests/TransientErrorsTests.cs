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
        new HttpRequestException("timeout", null, HttpStatusCode.RequestTimeout),
        new AggregateException(new TimeoutException(), new IOException("reset")),
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
        new HttpRequestException("forbidden", null, HttpStatusCode.Forbidden),
        new HttpRequestException("unprocessable", null, HttpStatusCode.UnprocessableEntity),
        new AggregateException(new TimeoutException(), new ArgumentException("bad name")),
        new OperationCanceledException("shutting down"),
    ];

    [Theory]
    [MemberData(nameof(Transient))]
    public void Should_retry_what_a_moment_may_cure(Exception exception) => Assert.True(TransientErrors.IsTransient(exception));

    [Theory]
    [MemberData(nameof(Permanent))]
    public void Should_send_bad_input_and_permanent_failures_to_the_error_queue_at_once(Exception exception) =>
        Assert.False(TransientErrors.IsTransient(exception));

    [Fact]
    public void Should_call_a_409_a_conflict_to_retry_after_re_reading()
    {
        var failure = TransientErrors.Classify(new HttpRequestException("conflict", null, HttpStatusCode.Conflict));
        Assert.Equal(OutsideFailureKind.Conflict, failure.Kind);
        Assert.Equal(409, failure.StatusCode);
    }

    [Fact]
    public void Should_give_the_reason_of_the_part_that_will_not_heal()
    {
        var failure = TransientErrors.Classify(new AggregateException(new TimeoutException(), new ArgumentException("bucket name 'A_B' is invalid")));
        Assert.Equal(OutsideFailureKind.Permanent, failure.Kind);
        Assert.Equal("ArgumentException: bucket name 'A_B' is invalid", failure.Reason);
    }

    [Fact]
    public void Should_keep_credentials_and_line_breaks_out_of_the_reason_and_bound_its_length()
    {
        var failure = TransientErrors.Classify(new InvalidOperationException(
            "could not reach amqp://mlops:s3cr3t@rabbit:5672/ with password=hunter2;\nsecret_key: abc123\n" + new string('x', 1000)));
        Assert.DoesNotContain("s3cr3t", failure.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", failure.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain("abc123", failure.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain("\n", failure.Reason, StringComparison.Ordinal);
        Assert.Contains("amqp://***@rabbit:5672/", failure.Reason, StringComparison.Ordinal);
        Assert.True(failure.Reason.Length <= 300, failure.Reason.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }
}
