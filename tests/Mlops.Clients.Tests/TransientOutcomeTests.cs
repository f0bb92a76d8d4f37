using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Time.Testing;
using Mlops.Clients.Resilience;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Mlops.Clients.Tests;

/// <summary>Which answers the pipelines retry, and how long a <c>Retry-After</c> makes them wait.</summary>
public sealed class TransientOutcomeTests
{
    [Theory]
    [InlineData(HttpStatusCode.RequestTimeout, true)]
    [InlineData(HttpStatusCode.TooManyRequests, true)]
    [InlineData(HttpStatusCode.InternalServerError, true)]
    [InlineData(HttpStatusCode.BadGateway, true)]
    [InlineData(HttpStatusCode.ServiceUnavailable, true)]
    [InlineData(HttpStatusCode.GatewayTimeout, true)]
    [InlineData(HttpStatusCode.NotImplemented, false)]
    [InlineData(HttpStatusCode.BadRequest, false)]
    [InlineData(HttpStatusCode.Unauthorized, false)]
    [InlineData(HttpStatusCode.Forbidden, false)]
    [InlineData(HttpStatusCode.NotFound, false)]
    [InlineData(HttpStatusCode.Conflict, false)]
    [InlineData(HttpStatusCode.UnprocessableEntity, false)]
    [InlineData(HttpStatusCode.OK, false)]
    public void Should_retry_only_answers_a_moment_may_cure(HttpStatusCode status, bool retried)
    {
        using var response = new HttpResponseMessage(status);

        Assert.Equal(retried, TransientOutcome.IsTransient(Outcome.FromResult(response)));
    }

    [Fact]
    public void Should_retry_lost_connections_and_attempt_timeouts_but_not_an_open_breaker()
    {
        Assert.True(TransientOutcome.IsTransient(Outcome.FromException<HttpResponseMessage>(new HttpRequestException("Connection refused"))));
        Assert.True(TransientOutcome.IsTransient(Outcome.FromException<HttpResponseMessage>(new TimeoutRejectedException())));
        Assert.False(TransientOutcome.IsTransient(Outcome.FromException<HttpResponseMessage>(new BrokenCircuitException())));
        Assert.False(TransientOutcome.IsTransient(Outcome.FromException<HttpResponseMessage>(new InvalidOperationException())));
    }

    [Fact]
    public void Should_wait_what_retry_after_asks_within_the_bound()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 10, 0, 0, TimeSpan.Zero));
        using var seconds = new HttpResponseMessage(HttpStatusCode.TooManyRequests) { Headers = { RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(2)) } };
        using var date = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable) { Headers = { RetryAfter = new RetryConditionHeaderValue(time.GetUtcNow().AddSeconds(3)) } };
        using var tooLong = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable) { Headers = { RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromMinutes(10)) } };
        using var none = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);

        Assert.Equal(TimeSpan.FromSeconds(2), RetryAfterDelay.Of(seconds, time, TimeSpan.FromSeconds(5)));
        Assert.Equal(TimeSpan.FromSeconds(3), RetryAfterDelay.Of(date, time, TimeSpan.FromSeconds(5)));
        Assert.Equal(TimeSpan.FromSeconds(5), RetryAfterDelay.Of(tooLong, time, TimeSpan.FromSeconds(5)));
        Assert.Null(RetryAfterDelay.Of(none, time, TimeSpan.FromSeconds(5)));
    }
}
