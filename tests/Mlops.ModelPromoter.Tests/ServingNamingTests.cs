using Mlops.ModelPromoter.Serving;

namespace Mlops.ModelPromoter.Tests;

/// <summary>Kubernetes names from MLflow names.</summary>
public sealed class ServingNamingTests
{
    [Theory]
    [InlineData("cnn_classifier", "mlflow-model-cnn-classifier-server")]
    [InlineData("CNN Classifier v2", "mlflow-model-cnn-classifier-v2-server")]
    [InlineData("__model..x__", "mlflow-model-model-x-server")]
    [InlineData("modèle_ü", "mlflow-model-mod-le-server")]
    public void Should_lowercase_and_turn_invalid_characters_into_single_dashes(string modelName, string expected) =>
        Assert.Equal(expected, ModelServerNaming.Candidates(modelName)[0].ObjectName);

    [Fact]
    public void Should_offer_a_stable_hash_suffix_as_the_second_name()
    {
        var first = ModelServerNaming.Candidates("cnn-classifier");
        var again = ModelServerNaming.Candidates("cnn-classifier");
        var other = ModelServerNaming.Candidates("cnn_classifier");

        Assert.Equal(first, again);
        Assert.Equal(first[0], other[0]);
        Assert.NotEqual(first[1], other[1]);
        Assert.Matches("^mlflow-model-cnn-classifier-[0-9a-f]{8}-server$", first[1].ObjectName);
        Assert.Equal(first[1].ObjectName[ModelServerNaming.Prefix.Length..^ModelServerNaming.Suffix.Length], first[1].Label);
    }

    [Fact]
    public void Should_cut_a_long_name_to_a_Service_name_and_mark_the_cut_with_the_hash()
    {
        var name = new string('a', 40) + "_" + new string('b', 40);

        var candidates = ModelServerNaming.Candidates(name);

        var only = Assert.Single(candidates);
        Assert.True(only.ObjectName.Length <= 63, only.ObjectName);
        Assert.True(only.Label.Length <= ModelServerNaming.MaxLabelLength);
        Assert.Matches("^mlflow-model-a+-[0-9a-f]{8}-server$", only.ObjectName);
        Assert.NotEqual(only, Assert.Single(ModelServerNaming.Candidates(new string('a', 40) + "_" + new string('c', 40))));
    }

    [Fact]
    public void Should_keep_a_name_of_exactly_the_longest_length_without_a_suffix()
    {
        var name = new string('x', ModelServerNaming.MaxLabelLength);

        var candidates = ModelServerNaming.Candidates(name);

        Assert.Equal(63, candidates[0].ObjectName.Length);
        Assert.True(candidates[1].ObjectName.Length <= 63);
    }

    [Theory]
    [InlineData("___")]
    [InlineData("ü")]
    [InlineData("")]
    public void Should_refuse_a_name_that_sanitises_to_nothing(string modelName)
    {
        var refusal = Assert.Throws<ServingRefusedException>(() => ModelServerNaming.Candidates(modelName));
        Assert.Contains("gives no Kubernetes name", refusal.Message, StringComparison.Ordinal);
    }
}
