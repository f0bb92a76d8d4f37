using Mlops.Ctl;

namespace Mlops.Ops.Tests;

/// <summary>Service URLs and the token come from flags, else the environment, else the config file, else ./run.sh's files.</summary>
public sealed class CtlSettingsTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("mlopsctl").FullName;

    private string ConfigFile => Path.Combine(_directory, "config.yaml");

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private CtlSettings Resolve(Dictionary<string, string?>? flags = null, string? token = null, Dictionary<string, string>? env = null, string? config = null) =>
        CtlSettings.Resolve(flags ?? [], token, config, new CtlEnvironment(env ?? [], Path.Combine(_directory, "home"), _directory));

    private void WriteRun()
    {
        Directory.CreateDirectory(Path.Combine(_directory, ".run"));
        File.WriteAllText(Path.Combine(_directory, ".run", "endpoints"),
            "# written by run.sh\nprovisioner http://127.0.0.1:5001\ntraining-coordinator http://127.0.0.1:5002\nmodel-promoter http://127.0.0.1:5003\n");
        File.WriteAllText(Path.Combine(_directory, ".run", "secrets"), "ops-token run-token-0000000001\n");
    }

    [Fact]
    public void Should_take_flags_over_environment_over_config_file_over_run_files()
    {
        WriteRun();
        File.WriteAllText(ConfigFile, "token: file-token-000000001\nservices:\n  provisioner: http://file:1\n  training-coordinator: http://file:2\n");
        var env = new Dictionary<string, string> { ["MLOPS_PROVISIONER_URL"] = "http://env:1", ["MLOPS_TOKEN"] = "env-token-0000000001" };
        var settings = Resolve(new Dictionary<string, string?> { ["provisioner"] = "http://flag:1" }, null, env, ConfigFile);

        Assert.Equal(new Uri("http://flag:1"), settings.Services["provisioner"]);
        Assert.Equal(new Uri("http://file:2"), settings.Services["training-coordinator"]);
        Assert.Equal(new Uri("http://127.0.0.1:5003"), settings.Services["model-promoter"]);
        Assert.Equal("env-token-0000000001", settings.Token);
        Assert.Equal("flag-token-000000001", Resolve(token: "flag-token-000000001", env: env, config: ConfigFile).Token);
        Assert.Equal("file-token-000000001", Resolve(config: ConfigFile).Token);
        Assert.Equal("run-token-0000000001", Resolve().Token);
    }

    [Fact]
    public void Should_refuse_malformed_urls_and_config_files_as_bad_usage()
    {
        var bad = Assert.Throws<CtlException>(() => Resolve(env: new Dictionary<string, string> { ["MLOPS_MODEL_PROMOTER_URL"] = "ftp://x" }));
        Assert.Equal((CtlExit.BadUsage, "MLOPS_MODEL_PROMOTER_URL: 'ftp://x' is not an http(s) URL."), (bad.ExitCode, bad.Message));
        File.WriteAllText(ConfigFile, "services:\n  trainer: http://x\n");
        Assert.Contains("unknown service 'trainer'", Assert.Throws<CtlException>(() => Resolve(config: ConfigFile)).Message, StringComparison.Ordinal);
        File.WriteAllText(ConfigFile, "token: [unclosed\n");
        Assert.Equal(CtlExit.BadUsage, Assert.Throws<CtlException>(() => Resolve(config: ConfigFile)).ExitCode);
        Assert.Contains("no such file", Assert.Throws<CtlException>(() => Resolve(config: Path.Combine(_directory, "missing.yaml"))).Message,
            StringComparison.Ordinal);
    }
}
