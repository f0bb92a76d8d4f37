extern alias mlopsctl;
using System.Text.Json;
using Mlops.Contracts;
using mlopsctl::Mlops.Ctl;

namespace Mlops.TrainingCoordinator.Tests;

/// <summary>
/// <c>mlopsctl train start | cancel</c> and <c>mlopsctl logs</c> against the real TrainingCoordinator: --wait until the model
/// is registered or the run is cancelled, the training pod's log found from the flow, and exit codes with a meaning.
/// </summary>
public sealed class When_mlopsctl_drives_training(TrainingSandbox sandbox) : IClassFixture<TrainingSandbox>
{
    private const string Token = "alice-ops-token-0000001";

    private static readonly Dictionary<string, string?> Tokens = new() { ["Ops:Tokens:alice"] = Token };

    private static async Task<(int Exit, string Output, string Error)> RunAsync(CoordinatorRig rig, params string[] args)
    {
        var home = Path.Combine(Path.GetTempPath(), "mlopsctl-home-none");
        var environment = new Dictionary<string, string>
        {
            ["MLOPS_TRAINING_COORDINATOR_URL"] = rig.Coordinator!.Server.BaseAddress.ToString(),
            ["MLOPS_TOKEN"] = Token,
        };
        using var output = new StringWriter();
        using var error = new StringWriter();
        using var handler = rig.Coordinator.Server.CreateHandler();
        var exit = await CtlApp.RunAsync(args, new CtlEnvironment(environment, home, home), output, error, handler);
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Should_start_a_run_wait_until_its_model_is_registered_and_show_the_pods_log_of_its_flow()
    {
        await using var rig = await CoordinatorRig.StartAsync(sandbox, Tokens);
        var stack = await rig.NewStackAsync();
        rig.Desk.Ready(stack);
        var modelName = "cnn_classifier_" + Guid.NewGuid().ToString("N")[..6];

        var started = await RunAsync(rig, "train", "start", "--stack", stack.StackName, "--image", CoordinatorRig.TrainingImage,
            "--experiment", modelName, "--model", modelName, "--param", "epochs=2", "--wait", "--timeout", "00:02:00", "--json");

        Assert.True(started.Exit == CtlExit.Done, started.Output + started.Error);
        var answer = JsonSerializer.Deserialize<JsonElement>(started.Output);
        Assert.Equal("model registered", answer.GetProperty("waited").GetString());
        var accepted = answer.GetProperty("accepted");
        Assert.Equal("alice", accepted.GetProperty("requestedBy").GetString());
        var trainingId = accepted.GetProperty("sagaId").GetGuid();
        var flowId = accepted.GetProperty("flowId").GetGuid();
        // Progress shows each state it saw; which ones a 250 ms poll catches depends on the machine's speed.
        Assert.Contains($"… {trainingId} ", started.Error, StringComparison.Ordinal);
        var (_, run) = await rig.InStateAsync(trainingId, "Final");
        Assert.Equal(modelName, run.Plan!.ModelName);
        Assert.Equal("2", run.Plan.Parameters["epochs"]);

        using var client = rig.Coordinator!.CreateClient();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Token);
        var served = await client.GetStringAsync($"/ops/training/{trainingId}/logs");
        var logs = await RunAsync(rig, "logs", flowId.ToString());
        Assert.True(logs.Exit == CtlExit.Done, logs.Error);
        Assert.Equal(served, logs.Output);
        Assert.NotEmpty(logs.Output.Trim());
        Assert.Contains(trainingId.ToString(), logs.Error, StringComparison.Ordinal);

        var tail = await RunAsync(rig, "logs", flowId.ToString(), "--tail", "1", "--json");
        var last = served.TrimEnd('\n').Split('\n')[^1];
        Assert.Equal(last + "\n", JsonSerializer.Deserialize<JsonElement>(tail.Output).GetProperty("log").GetString());
    }

    [Fact]
    public async Task Should_cancel_a_run_and_wait_until_it_is_cancelled()
    {
        await using var rig = await CoordinatorRig.StartAsync(sandbox, Tokens);
        rig.Desk.Provisioning("later", "ProvisioningSecrets");
        var trainingId = Guid.NewGuid();
        var started = await RunAsync(rig, "train", "start", "--stack", "later", "--image", CoordinatorRig.TrainingImage,
            "--training-id", trainingId.ToString());
        Assert.True(started.Exit == CtlExit.Done, started.Output + started.Error);
        Assert.Contains($"training {trainingId}", started.Output, StringComparison.Ordinal);
        await rig.InStateAsync(trainingId, "WaitingForStack");

        var cancelled = await RunAsync(rig, "train", "cancel", trainingId.ToString(), "--reason", "wrong image", "--wait", "--timeout", "00:01:00");

        Assert.True(cancelled.Exit == CtlExit.Done, cancelled.Output + cancelled.Error);
        Assert.Contains("CancelSaga sent as alice; cancelled", cancelled.Output, StringComparison.Ordinal);
        var (_, run) = await rig.InStateAsync(trainingId, "Cancelled");
        Assert.Equal(("alice", "wrong image"), (run.CancelledBy, run.CancelReason));

        var noLog = await RunAsync(rig, "logs", run.FlowId.ToString());
        Assert.Equal(CtlExit.Failed, noLog.Exit);
        Assert.Contains("no training pod", noLog.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_exit_2_for_what_the_request_rules_refuse_and_1_for_what_does_not_exist()
    {
        await using var rig = await CoordinatorRig.StartAsync(sandbox, Tokens);

        var refused = await RunAsync(rig, "train", "start", "--stack", "Not_A_Stack", "--image", "Upper/Case:tag");
        var badParam = await RunAsync(rig, "train", "start", "--stack", "homelab", "--image", CoordinatorRig.TrainingImage, "--param", "epochs");
        var noStack = await RunAsync(rig, "train", "start", "--image", CoordinatorRig.TrainingImage);
        var unknownRun = await RunAsync(rig, "train", "cancel", Guid.NewGuid().ToString());
        var unknownFlow = await RunAsync(rig, "logs", Guid.NewGuid().ToString());

        Assert.Equal(CtlExit.BadUsage, refused.Exit);
        Assert.Contains("StackName 'Not_A_Stack'", refused.Error, StringComparison.Ordinal);
        Assert.Equal(CtlExit.BadUsage, badParam.Exit);
        Assert.Contains("not key=value", badParam.Error, StringComparison.Ordinal);
        Assert.Equal(CtlExit.BadUsage, noStack.Exit);
        Assert.Equal(CtlExit.Failed, unknownRun.Exit);
        Assert.Equal(CtlExit.Failed, unknownFlow.Exit);
        Assert.Contains("has no training run", unknownFlow.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_have_help_with_an_example_on_every_training_command()
    {
        await using var rig = await CoordinatorRig.StartAsync(sandbox, Tokens);
        foreach (var command in new[] { new[] { "train" }, ["train", "start"], ["train", "cancel"], ["logs"] })
        {
            var help = await RunAsync(rig, [.. command, "--help"]);
            Assert.Equal(CtlExit.Done, help.Exit);
            Assert.Contains("Example: mlopsctl " + command[0], help.Output, StringComparison.Ordinal);
        }
    }
}
