using Mlops.Contracts;
using Mlops.TrainingCoordinator.Training;

namespace Mlops.TrainingCoordinator.Tests.Rules;

/// <summary>The defaults of the stack this product replaces, the data directory and parameters merged into the arguments.</summary>
public sealed class TrainingPlanTests
{
    private static StartTraining Request() => new()
    {
        FlowId = Guid.NewGuid(),
        OccurredAt = DateTimeOffset.UtcNow,
        StackName = "homelab",
        Image = "ghcr.io/example/cnn-train:1.4",
    };

    [Fact]
    public void Should_run_the_original_command_by_default()
    {
        var plan = TrainingPlan.From(Request(), new TrainingSettings());
        Assert.Equal("python train.py --save_dir models --arch vgg16 --epochs 5", string.Join(' ', plan.Command.Concat(plan.Arguments)));
        Assert.Equal("cnn_classifier", plan.ModelName);
        Assert.Equal("cnn_classifier", plan.ExperimentName);
        Assert.Equal("job", plan.Runner);
        Assert.Equal(TimeSpan.FromHours(6), plan.Timeout);
        Assert.False(plan.ScriptRegistersModel);
    }

    [Fact]
    public void Should_put_the_data_directory_first_and_merge_parameters_into_the_arguments()
    {
        var request = Request() with
        {
            Volumes = [new TrainingVolume { Name = "data", MountPath = "/data/flowers", ClaimName = "flowers", TrainingData = true }],
            Parameters = new Dictionary<string, string> { ["epochs"] = "12", ["learning_rate"] = "0.01" },
            Runner = " ARGO ",
        };
        var plan = TrainingPlan.From(request, new TrainingSettings());
        Assert.Equal(["/data/flowers", "--save_dir", "models", "--arch", "vgg16", "--epochs", "12", "--learning_rate", "0.01"], plan.Arguments);
        Assert.True(plan.UsesArgo);
    }

    [Fact]
    public void Should_keep_given_arguments_and_replace_an_equals_form()
    {
        var request = Request() with
        {
            Arguments = ["/mnt", "--epochs=3"],
            Parameters = new Dictionary<string, string> { ["epochs"] = "4" },
        };
        Assert.Equal(["/mnt", "--epochs=4"], TrainingPlan.ArgumentsOf(request));
    }
}
