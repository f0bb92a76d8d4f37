using System.Text.Json.Nodes;
using Mlops.Sandbox.Kubernetes.Controllers;
using Mlops.Sandbox.Training;

namespace Mlops.Sandbox.Storage.Tests;

/// <summary>
/// What the training hook writes to the Job's pod log (<c>JobCompletion.Log</c>, which the kubelet's logs will show):
/// a training script's progress, and the error that ended it as the last line.
/// </summary>
public sealed class TrainingLogTests(StorageSandbox sandbox) : IClassFixture<StorageSandbox>
{
    private TrainingJobHook Hook => sandbox.Host.Context.JobCompletionHooks.OfType<TrainingJobHook>().Single();

    [Fact]
    public async Task Should_write_epoch_progress_and_the_run_link_for_a_run_that_succeeds()
    {
        await new RegisteredModels(sandbox).EnsureBucketAsync();
        var log = new CapturedLog();

        var verdict = await Hook.OnJobFinishingAsync(Completion(Containers.StackEnv(), ["python", "train.py", "--epochs", "3"], log), CancellationToken.None);

        Assert.True(verdict!.Succeeded, log.Text);
        Assert.Equal(3, log.Lines.Count(l => l.StartsWith("Epoch ", StringComparison.Ordinal)));
        Assert.Matches(@"^Epoch 3/3 - train_loss: 0\.\d{4} - validation_loss: 0\.\d{4} - accuracy: 0\.\d{4}$", log.Lines.Single(l => l.StartsWith("Epoch 3/3", StringComparison.Ordinal)));
        Assert.StartsWith("🏃 View run at: http://mlflow.mlflow.svc.cluster.local:5000/#/experiments/0/runs/", log.LastLine, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_end_the_log_with_the_error_and_fail_with_backoff_limit_exceeded()
    {
        var env = Containers.StackEnv();
        env["MLFLOW_TRACKING_URI"] = "http://10.43.0.15:5000";
        var log = new CapturedLog();

        var verdict = await Hook.OnJobFinishingAsync(Completion(env, ["python", "train.py"], log), CancellationToken.None);

        Assert.Equal((false, "BackoffLimitExceeded"), (verdict!.Succeeded, verdict.Reason));
        Assert.StartsWith("mlflow.exceptions.MlflowException: API request to http://10.43.0.15:5000/api/2.0/mlflow/runs/create failed with exception", log.LastLine, StringComparison.Ordinal);
        Assert.EndsWith("Failed to establish a new connection: [Errno 111] Connection refused'))", log.LastLine, StringComparison.Ordinal);
        Assert.Contains(log.LastLine, verdict.Message, StringComparison.Ordinal);
        Assert.Equal("Traceback (most recent call last):", log.Lines[0]);
    }

    [Fact]
    public async Task Should_refuse_a_malformed_argument_as_argparse_does()
    {
        var log = new CapturedLog();

        var verdict = await Hook.OnJobFinishingAsync(Completion(Containers.StackEnv(), ["python", "train.py", "--epochs", "five"], log), CancellationToken.None);

        Assert.False(verdict!.Succeeded);
        Assert.Equal("train.py: error: argument --epochs: invalid int value: 'five'", log.LastLine);
    }

    private static JobCompletion Completion(IReadOnlyDictionary<string, string> env, IList<string> command, CapturedLog log)
    {
        var manifest = new JsonObject
        {
            ["apiVersion"] = "batch/v1",
            ["kind"] = "Job",
            ["metadata"] = new JsonObject { ["name"] = "train", ["namespace"] = "training" },
            ["spec"] = new JsonObject
            {
                ["template"] = new JsonObject
                {
                    ["spec"] = new JsonObject
                    {
                        ["containers"] = new JsonArray(new JsonObject { ["name"] = "train", ["image"] = "ghcr.io/example/cnn-train:1.0", ["command"] = new JsonArray(command.Select(c => (JsonNode)c).ToArray()) }),
                    },
                },
            },
        };
        return new JobCompletion(manifest, JobVerdict.Complete(), env) { Log = log };
    }
}
