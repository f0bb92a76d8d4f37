using Mlops.Contracts;
using Mlops.TrainingCoordinator.Training;

namespace Mlops.TrainingCoordinator.Tests.Rules;

/// <summary>What a StartTraining must satisfy, checked before anything is created.</summary>
public sealed class TrainingRequestRulesTests
{
    private static readonly TrainingSettings Settings = new();

    private static StartTraining Valid() => new()
    {
        FlowId = Guid.NewGuid(),
        OccurredAt = DateTimeOffset.UtcNow,
        StackName = "homelab",
        Image = "ghcr.io/example/cnn-train:1.4",
    };

    [Theory]
    [InlineData("python:3.11")]
    [InlineData("ghcr.io/example/cnn-train:1.4")]
    [InlineData("registry.local:5000/team/cnn_train@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")]
    [InlineData("localhost:32000/train")]
    public void Should_accept_image_references(string image) => Assert.True(TrainingRequestRules.IsImageReference(image));

    [Theory]
    [InlineData("Ghcr.io/Example/CNN:1")]
    [InlineData("ghcr.io/example/cnn train:1")]
    [InlineData("ghcr.io/example/cnn:")]
    [InlineData("ghcr.io//cnn")]
    [InlineData("-cnn")]
    public void Should_refuse_what_is_not_an_image_reference(string image) => Assert.False(TrainingRequestRules.IsImageReference(image));

    [Fact]
    public void Should_accept_the_defaults() => Assert.Empty(TrainingRequestRules.Problems(Valid(), Settings));

    [Fact]
    public void Should_refuse_the_argo_runner_when_workflows_are_not_watched()
    {
        var problems = TrainingRequestRules.Problems(Valid() with { Runner = "Argo" }, new TrainingSettings { WatchWorkflows = false });
        var problem = Assert.Single(problems);
        Assert.Contains("the argo runner is not enabled: set trainingCoordinator.argo.enabled", problem, StringComparison.Ordinal);
        Assert.Empty(TrainingRequestRules.Problems(Valid() with { Runner = "job" }, new TrainingSettings { WatchWorkflows = false }));
        Assert.Empty(TrainingRequestRules.Problems(Valid() with { Runner = "argo" }, Settings));
    }

    [Fact]
    public void Should_name_every_problem_of_a_bad_request()
    {
        var request = Valid() with
        {
            StackName = "Home_Lab",
            ExperimentName = "",
            Runner = "airflow",
            Namespace = "Team A",
            ServiceAccount = "trainer!",
            ImagePullSecrets = ["Regcred"],
            Timeout = TimeSpan.FromDays(30),
            Parameters = new Dictionary<string, string> { ["1bad"] = "x" },
            Resources = new TrainingResources
            {
                Cpu = "0",
                Memory = "lots",
                Gpus = 99,
                NodeSelector = new Dictionary<string, string> { ["nvidia.com/gpu.present"] = "true!" },
                Tolerations = [new TrainingToleration { Key = "nvidia.com/gpu", Operator = "Exists", Value = "x" }],
            },
            Volumes =
            [
                new TrainingVolume { Name = "data", MountPath = "data", ClaimName = "train-data", TrainingData = true },
                new TrainingVolume { Name = "data", MountPath = "/scratch", TrainingData = true },
            ],
        };

        var problems = TrainingRequestRules.Problems(request, Settings);

        Assert.Contains(problems, p => p.StartsWith("StackName 'Home_Lab' must be a stack's name", StringComparison.Ordinal));
        Assert.Contains("ExperimentName must not be empty", problems);
        Assert.Contains(problems, p => p.StartsWith("Runner 'airflow' must be 'job'", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Namespace 'Team A'", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("ServiceAccount 'trainer!'", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("ImagePullSecrets holds 'Regcred'", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Timeout 30.00:00:00", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Parameter name '1bad'", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Resources.Cpu '0'", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Resources.Memory 'lots'", StringComparison.Ordinal));
        Assert.Contains("Resources.Gpus must be 0 to 16 (got 99)", problems);
        Assert.Contains(problems, p => p.StartsWith("Resources.NodeSelector value of 'nvidia.com/gpu.present'", StringComparison.Ordinal));
        Assert.Contains("Resources.Tolerations 'nvidia.com/gpu' uses Exists, which takes no value", problems);
        Assert.Contains(problems, p => p.StartsWith("Volume 'data' needs an absolute MountPath", StringComparison.Ordinal));
        Assert.Contains("Volume name 'data' is used twice", problems);
        Assert.Contains(problems, p => p.StartsWith("Volume 'data' must have exactly one source", StringComparison.Ordinal));
        Assert.Contains("At most one volume may be marked TrainingData", problems);
    }

    [Theory]
    [InlineData("--epochs", "0")]
    [InlineData("--epochs", "-3")]
    [InlineData("--epochs", "five")]
    [InlineData("--epochs=0", null)]
    public void Should_refuse_epochs_below_one_in_the_arguments(string first, string? second)
    {
        var request = Valid() with { Arguments = second is null ? ["--arch", "vgg16", first] : ["--arch", "vgg16", first, second] };
        Assert.Contains(TrainingRequestRules.Problems(request, Settings), p => p.StartsWith("epochs must be a whole number of at least 1", StringComparison.Ordinal));
    }

    [Fact]
    public void Should_refuse_epochs_below_one_given_as_a_parameter_and_an_empty_command()
    {
        var request = Valid() with { Command = ["python", " "], Parameters = new Dictionary<string, string> { ["epochs"] = "0" } };
        var problems = TrainingRequestRules.Problems(request, Settings);
        Assert.Contains("epochs must be a whole number of at least 1 (got '0')", problems);
        Assert.Contains(problems, p => p.StartsWith("Command must not hold empty words", StringComparison.Ordinal));
    }

    [Fact]
    public void Should_refuse_names_that_break_MLflow_filters_or_model_URIs()
    {
        var problems = TrainingRequestRules.Problems(Valid() with { ModelName = "cnn'classifier", ExperimentName = "a\\b" }, Settings);
        Assert.Contains(problems, p => p.StartsWith("ModelName 'cnn'classifier' must not hold quotes", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("ExperimentName 'a\\b' must not hold quotes", StringComparison.Ordinal));
    }
}
