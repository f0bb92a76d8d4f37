extern alias mlopsctl;
using System.Text.Json;
using Mlops.Provisioner.Tests.Testbed;
using Mlops.Testing;
using mlopsctl::Mlops.Ctl;

namespace Mlops.Provisioner.Tests;

/// <summary>
/// <c>mlopsctl stack apply | status</c> against the real Provisioner: the dry run's table, --wait until the stack is ready
/// (exit 0) or failed (exit 1, with the step and reason), and the exit codes of a broken file and an unknown stack.
/// </summary>
public sealed class When_mlopsctl_applies_a_stack : IAsyncLifetime
{
    private const string Token = "alice-ops-token-0000001";
    private ProvisionerTestbed _testbed = null!;
    private string _directory = null!;

    public async Task InitializeAsync()
    {
        _directory = Directory.CreateTempSubdirectory("mlopsctl-stack-").FullName;
        _testbed = await ProvisionerTestbed.StartAsync(new TestbedOptions
        {
            Provisioner = new Dictionary<string, string?> { ["Ops:Tokens:alice"] = Token, ["Provisioner:SecretTimeout"] = "00:00:03" },
        });
    }

    public async Task DisposeAsync()
    {
        await _testbed.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    private static string HomelabFile => File.ReadAllText(Path.Combine(TestEnvironment.RepositoryRoot, "stacks", "homelab.yaml"));

    private string Write(string name, string text)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, text);
        return path;
    }

    private async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        var environment = new Dictionary<string, string>
        {
            ["MLOPS_PROVISIONER_URL"] = _testbed.Host.Server.BaseAddress.ToString(),
            ["MLOPS_TOKEN"] = Token,
        };
        using var output = new StringWriter();
        using var error = new StringWriter();
        using var handler = _testbed.Host.Server.CreateHandler();
        var exit = await CtlApp.RunAsync(args, new CtlEnvironment(environment, _directory, _directory), output, error, handler);
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Should_show_the_dry_run_then_apply_and_wait_until_the_stack_is_ready()
    {
        var file = Write("homelab.yaml", HomelabFile);

        var dry = await RunAsync("stack", "apply", file, "--dry-run");
        Assert.True(dry.Exit == CtlExit.Done, dry.Output + dry.Error);
        Assert.Contains("never provisioned", dry.Output, StringComparison.Ordinal);
        Assert.Contains("6 step(s) would change", dry.Output, StringComparison.Ordinal);
        Assert.Null(await _testbed.FindAsync("homelab"));

        var applied = await RunAsync("stack", "apply", file, "--wait", "--timeout", "00:02:00");
        Assert.True(applied.Exit == CtlExit.Done, applied.Output + applied.Error);
        Assert.Contains("ProvisionStack sent as alice; ready", applied.Output, StringComparison.Ordinal);
        Assert.Contains("ProvisioningSecrets", applied.Error, StringComparison.Ordinal);
        var (record, _) = await _testbed.InStateAsync("homelab", "Ready");

        var status = await RunAsync("stack", "status", "homelab", "--json");
        Assert.Equal(CtlExit.Done, status.Exit);
        var shown = JsonSerializer.Deserialize<JsonElement>(status.Output);
        Assert.True(shown.GetProperty("ready").GetBoolean());
        Assert.Equal(record.FlowId, shown.GetProperty("flowId").GetString());

        var again = await RunAsync("stack", "apply", file, "--dry-run", "--json");
        var plan = JsonSerializer.Deserialize<JsonElement>(again.Output);
        Assert.Equal(0, plan.GetProperty("changes").GetInt32());
    }

    [Fact]
    public async Task Should_exit_1_with_the_failed_step_when_the_stack_fails_while_waited_for()
    {
        var missing = HomelabFile.Replace("secrets:\n", "secrets:\n  - name: not-there\n    requiredKeys: [token]\n", StringComparison.Ordinal);
        var file = Write("missing-secret.yaml", missing);

        var applied = await RunAsync("stack", "apply", file, "--wait", "--timeout", "00:02:00");

        Assert.True(applied.Exit == CtlExit.Failed, applied.Output + applied.Error);
        Assert.Contains("failed at secrets:", applied.Output, StringComparison.Ordinal);
        Assert.Contains("not-there", applied.Output, StringComparison.Ordinal);
        var status = await RunAsync("stack", "status", "homelab");
        Assert.Equal(CtlExit.Done, status.Exit);
        Assert.Contains("not ready, failed at secrets", status.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_exit_2_for_a_broken_file_or_a_missing_one_and_1_for_an_unknown_stack()
    {
        var broken = Write("broken.yaml", HomelabFile.Replace("name: homelab", "name: Home_Lab", StringComparison.Ordinal));

        var refused = await RunAsync("stack", "apply", broken, "--dry-run");
        var missing = await RunAsync("stack", "apply", Path.Combine(_directory, "nothing.yaml"));
        var unknown = await RunAsync("stack", "status", "nowhere");
        var both = await RunAsync("stack", "apply", broken, "--dry-run", "--wait");

        Assert.True(refused.Exit == CtlExit.BadUsage, refused.Error);
        Assert.True(refused.Error.Contains("name: line 8: 'Home_Lab' must be a DNS-1123 label", StringComparison.Ordinal), refused.Error);
        Assert.Equal(CtlExit.BadUsage, missing.Exit);
        Assert.Equal(CtlExit.Failed, unknown.Exit);
        Assert.Contains("No stack 'nowhere'", unknown.Error, StringComparison.Ordinal);
        Assert.Equal(CtlExit.BadUsage, both.Exit);
        Assert.Null(await _testbed.FindAsync("homelab"));
    }

    [Fact]
    public async Task Should_have_help_with_an_example_on_every_stack_command()
    {
        foreach (var command in new[] { new[] { "stack" }, ["stack", "apply"], ["stack", "status"] })
        {
            var help = await RunAsync([.. command, "--help"]);
            Assert.Equal(CtlExit.Done, help.Exit);
            Assert.Contains("Example: mlopsctl stack", help.Output, StringComparison.Ordinal);
        }
    }
}
