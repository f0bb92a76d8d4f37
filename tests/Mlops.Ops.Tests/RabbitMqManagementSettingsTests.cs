using Mlops.Ctl;

namespace Mlops.Ops.Tests;

/// <summary>RabbitMQ's management URL, user and password come in the same order as the services' settings.</summary>
public sealed class RabbitMqManagementSettingsTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("mlopsctl-rabbit").FullName;

    private string ConfigFile => Path.Combine(_directory, "config.yaml");

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private RabbitMqManagementSettings? Resolve((string?, string?, string?) flags = default, Dictionary<string, string>? env = null, string? config = null) =>
        CtlSettings.Resolve(new Dictionary<string, string?>(), null, config, new CtlEnvironment(env ?? [], Path.Combine(_directory, "home"), _directory), flags).Management;

    [Fact]
    public void Should_have_no_management_api_when_no_url_is_given()
    {
        Assert.Null(Resolve(env: new Dictionary<string, string> { ["MLOPS_RABBITMQ_USER"] = "someone" }));
    }

    [Fact]
    public void Should_take_flags_over_environment_over_config_file_over_run_files_over_the_urls_credentials()
    {
        Directory.CreateDirectory(Path.Combine(_directory, ".run"));
        File.WriteAllText(Path.Combine(_directory, ".run", "endpoints"), "rabbitmq-management http://runuser:runpass@run:15672\n");
        var run = Resolve()!;
        Assert.Equal(("run", "runuser", "runpass"), (run.Url.Host, run.User, run.Password));
        Assert.Equal("", run.Url.UserInfo);

        File.AppendAllText(Path.Combine(_directory, ".run", "secrets"), "rabbitmq-user secretsuser\nrabbitmq-password secretspass\n");
        Assert.Equal(("secretsuser", "secretspass"), (Resolve()!.User, Resolve()!.Password));

        File.WriteAllText(ConfigFile, "rabbitmq:\n  managementUrl: http://file:15672\n  user: fileuser\n  password: filepass\n");
        var file = Resolve(config: ConfigFile)!;
        Assert.Equal(("file", "fileuser", "filepass"), (file.Url.Host, file.User, file.Password));

        var env = new Dictionary<string, string>
        {
            ["MLOPS_RABBITMQ_MANAGEMENT_URL"] = "http://env:15672",
            ["MLOPS_RABBITMQ_USER"] = "envuser",
            ["MLOPS_RABBITMQ_PASSWORD"] = "envpass",
        };
        var fromEnv = Resolve(env: env, config: ConfigFile)!;
        Assert.Equal(("env", "envuser", "envpass"), (fromEnv.Url.Host, fromEnv.User, fromEnv.Password));

        var flags = Resolve(("http://flag:15672", "flaguser", "flagpass"), env, ConfigFile)!;
        Assert.Equal(("flag", "flaguser", "flagpass"), (flags.Url.Host, flags.User, flags.Password));
        Assert.DoesNotContain("flagpass", flags.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Should_refuse_a_url_that_is_not_http_and_an_unknown_key_under_rabbitmq()
    {
        var bad = Assert.Throws<CtlException>(() => Resolve(env: new Dictionary<string, string> { ["MLOPS_RABBITMQ_MANAGEMENT_URL"] = "amqp://x" }));
        Assert.Equal(CtlExit.BadUsage, bad.ExitCode);
        File.WriteAllText(ConfigFile, "rabbitmq:\n  vhost: /\n");
        Assert.Contains("unknown key 'vhost' under rabbitmq", Assert.Throws<CtlException>(() => Resolve(config: ConfigFile)).Message, StringComparison.Ordinal);
    }
}
