using Microsoft.Extensions.Configuration;
using Mlops.ServiceDefaults.Messaging;
using Mlops.Testing;

namespace Mlops.Hostile.Tests.Broker;

/// <summary>
/// RabbitMQ's default guest account works on loopback only: a service given guest (or no user) for a broker elsewhere
/// refuses to start, naming the setting, before it tries to connect; on loopback, or with a user of its own, it starts.
/// No address here is ever connected to: the refusal comes first, and the others are only read.
/// </summary>
public sealed class When_a_service_would_use_the_guest_account
{
    [Theory]
    [InlineData("amqp://guest:guest@10.255.255.1:5672/", "RABBITMQ_URL")]
    [InlineData("amqp://broker.example.invalid/", "RABBITMQ_URL")]
    [InlineData("amqps://guest:guest@[2001:db8::1]/prod", "RABBITMQ_URL")]
    public void Should_refuse_guest_in_RABBITMQ_URL_for_a_broker_off_loopback(string url, string setting)
    {
        var error = Assert.Throws<InvalidOperationException>(() => RabbitMqSettings.ReadForService(Configuration(("RABBITMQ_URL", url))));

        Assert.StartsWith(setting, error.Message, StringComparison.Ordinal);
        Assert.Contains("guest only works on loopback", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("guest:guest", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("guest")]
    public void Should_refuse_guest_in_the_RabbitMq_section_for_a_broker_off_loopback(string? user)
    {
        var error = Assert.Throws<InvalidOperationException>(() => RabbitMqSettings.ReadForService(
            Configuration(("RabbitMq:Host", "broker.example.invalid"), ("RabbitMq:Username", user))));

        Assert.StartsWith("RabbitMq:Username (with RabbitMq:Host 'broker.example.invalid')", error.Message, StringComparison.Ordinal);
        Assert.Contains("guest only works on loopback", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("amqp://guest:guest@127.0.0.1:5672/")]
    [InlineData("amqp://guest:guest@127.8.9.10/")]
    [InlineData("amqp://localhost/")]
    [InlineData("amqp://guest:guest@LOCALHOST:5672/")]
    [InlineData("amqp://guest:guest@[::1]:5672/")]
    [InlineData("amqp://guest:guest@[::ffff:127.0.0.1]:5672/")]
    [InlineData("amqp://mlops:s3cret@broker.example.invalid:5672/mlops")]
    [InlineData("amqp://Guest:pass@10.255.255.1/")]
    public void Should_take_guest_on_loopback_and_any_other_user_anywhere(string url) =>
        Assert.NotNull(RabbitMqSettings.ReadForService(Configuration(("RABBITMQ_URL", url))));

    [Fact]
    public void Should_take_the_default_section_which_is_localhost() =>
        Assert.Equal("localhost", RabbitMqSettings.ReadForService(Configuration()).Host);

    [Fact]
    public async Task Should_exit_at_start_with_the_reason_before_connecting()
    {
        await using var service = ServiceProcess.Launch("Mlops.TrainingCoordinator", new Dictionary<string, string?>(HostileServices.Outside("unused-ops-token-01"))
        {
            ["RABBITMQ_URL"] = "amqp://guest:guest@10.255.255.1:5672/",
        });

        var exitCode = await service.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.NotEqual(0, exitCode);
        Assert.Contains(service.Output, line => line.Contains("RABBITMQ_URL", StringComparison.Ordinal)
            && line.Contains("guest only works on loopback", StringComparison.Ordinal));
        Assert.DoesNotContain(service.Output, line => line.Contains("RabbitMQ unreachable", StringComparison.Ordinal) || line.Contains("Connected to RabbitMQ", StringComparison.Ordinal));
    }

    private static IConfiguration Configuration(params (string Key, string? Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => KeyValuePair.Create(v.Key, v.Value))).Build();
}
