using Microsoft.Extensions.Configuration;
using Mlops.ServiceDefaults.Messaging;

namespace Mlops.ServiceDefaults.Tests;

public sealed class RabbitMqSettingsTests
{
    [Theory]
    [InlineData("amqp://user:p%40ss@broker:5673/prod", "broker", 5673, "prod", "user", "p@ss", false)]
    [InlineData("amqp://guest:guest@127.0.0.1:5672/", "127.0.0.1", 5672, "/", "guest", "guest", false)]
    [InlineData("amqp://rabbit", "rabbit", 5672, "/", null, null, false)]
    [InlineData("amqp://u:p@rabbit/%2F", "rabbit", 5672, "/", "u", "p", false)]
    [InlineData("amqps://u:p@rabbit/team%2Fa", "rabbit", 5671, "team/a", "u", "p", true)]
    public void Should_read_an_AMQP_URL_as_RabbitMQ_defines_it(
        string url, string host, int port, string vhost, string? user, string? password, bool tls)
    {
        var settings = RabbitMqSettings.FromUrl(url);
        Assert.Equal(new RabbitMqSettings { Host = host, Port = port, VirtualHost = vhost, Username = user, Password = password, UseTls = tls }, settings);
    }

    [Theory]
    [InlineData("http://broker:5672/")]
    [InlineData("broker:5672")]
    [InlineData("not a url")]
    public void Should_refuse_a_URL_that_is_not_AMQP_naming_the_setting(string url)
    {
        var error = Assert.Throws<InvalidOperationException>(() => RabbitMqSettings.FromUrl(url));
        Assert.Contains("RABBITMQ_URL", error.Message);
    }

    [Theory]
    [InlineData("RABBITMQ_URL", "amqp://u:p@rabbit/")]
    [InlineData("RabbitMq:Host", "rabbit")]
    public void Should_read_the_quorum_queue_setting_beside_either_way_of_naming_the_broker(string key, string value)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [key] = value,
            ["RabbitMq:QuorumQueues"] = "true",
        }).Build();

        Assert.True(RabbitMqSettings.Read(configuration).QuorumQueues);
    }

    [Fact]
    public void Should_refuse_a_quorum_queue_setting_that_is_not_a_boolean()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["RabbitMq:QuorumQueues"] = "yes" }).Build();

        var error = Assert.Throws<InvalidOperationException>(() => RabbitMqSettings.Read(configuration));
        Assert.Equal("RabbitMq:QuorumQueues must be true or false, not 'yes'.", error.Message);
    }

    [Fact]
    public void Should_prefer_RABBITMQ_URL_over_the_RabbitMq_section()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["RABBITMQ_URL"] = "amqp://a:b@from-url:1234/v",
            ["RabbitMq:Host"] = "from-section",
        }).Build();
        Assert.Equal("from-url", RabbitMqSettings.Read(configuration).Host);
    }

    [Fact]
    public void Should_read_the_RabbitMq_section_when_no_URL_is_set()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["RabbitMq:Host"] = "rabbit.internal",
            ["RabbitMq:Port"] = "5673",
            ["RabbitMq:VirtualHost"] = "mlops",
            ["RabbitMq:Username"] = "svc",
            ["RabbitMq:Password"] = "s3cret",
        }).Build();
        var settings = RabbitMqSettings.Read(configuration);
        Assert.Equal(("rabbit.internal", 5673, "mlops", "svc"), (settings.Host, settings.Port, settings.VirtualHost, settings.Username));
    }

    [Fact]
    public void Should_refuse_a_port_that_is_not_a_port()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["RabbitMq:Port"] = "70000" }).Build();
        var error = Assert.Throws<InvalidOperationException>(() => RabbitMqSettings.Read(configuration));
        Assert.Contains("RabbitMq:Port", error.Message);
    }

    [Fact]
    public void Should_never_print_the_password()
    {
        var settings = RabbitMqSettings.FromUrl("amqp://svc:hunter2-secret@broker:5672/");
        Assert.DoesNotContain("hunter2-secret", settings.ToString());
        Assert.DoesNotContain("hunter2-secret", settings.Describe());
        Assert.Contains("broker:5672", settings.Describe());
    }
}
