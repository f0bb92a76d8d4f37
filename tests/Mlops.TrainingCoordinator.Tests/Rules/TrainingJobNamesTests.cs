using Mlops.TrainingCoordinator.Jobs;

namespace Mlops.TrainingCoordinator.Tests.Rules;

/// <summary>Job names are DNS-safe, bounded to a label's 63 characters and unique per run and attempt.</summary>
public sealed class TrainingJobNamesTests
{
    [Fact]
    public void Should_name_the_model_run_and_attempt()
    {
        Assert.Equal("train-cnn-classifier-6f1c2d9e4b7a-1", TrainingJobNames.For("cnn_classifier", "6f1c2d9e4b7a4c0d9e8f7a6b5c4d3e2f", 1));
        Assert.Equal("train-cnn-classifier-6f1c2d9e4b7a-2", TrainingJobNames.For("cnn_classifier", "6f1c2d9e4b7a4c0d9e8f7a6b5c4d3e2f", 2));
    }

    [Theory]
    [InlineData("Modèle_ü très long nom de modèle qui dépasse de loin soixante-trois caractères")]
    [InlineData("___")]
    [InlineData("UPPER.case--model")]
    public void Should_stay_a_label_whatever_the_model_is_called(string model)
    {
        var name = TrainingJobNames.For(model, "0a1b2c3d4e5f60718293a4b5c6d7e8f9", 12);
        Assert.True(name.Length <= 63, name);
        Assert.Matches("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", name);
        Assert.EndsWith("-0a1b2c3d4e5f-12", name);
    }
}
