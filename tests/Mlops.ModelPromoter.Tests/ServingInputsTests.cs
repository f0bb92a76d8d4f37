using Mlops.ModelPromoter.Policies;
using Mlops.ModelPromoter.Serving;

namespace Mlops.ModelPromoter.Tests;

/// <summary>What the promoter reads from a model's files: its location, MLmodel flavours, the image they call for, the smoke check's body.</summary>
public sealed class ServingInputsTests
{
    private const string PytorchMlmodel = "artifact_path: model\nflavors:\n  python_function:\n    loader_module: mlflow.pytorch\n  pytorch:\n    model_data: data\nmlflow_version: 2.21.3\n";

    [Fact]
    public void Should_read_a_bucket_and_prefix_from_an_s3_location()
    {
        var location = ArtifactLocation.Parse("s3://mlflow/1/abc/artifacts/model/");
        Assert.Equal(("mlflow", "1/abc/artifacts/model"), (location.Bucket, location.Prefix));
        Assert.Equal("1/abc/artifacts/model/MLmodel", location.KeyOf("MLmodel"));
    }

    [Theory]
    [InlineData("mlflow-artifacts:/1/abc/artifacts/model")]
    [InlineData("/tmp/mlruns/1/abc")]
    [InlineData("s3://mlflow/1/../../etc")]
    [InlineData("s3://UPPER/model")]
    public void Should_refuse_a_location_that_is_not_a_plain_S3_path(string location) =>
        Assert.Throws<ServingRefusedException>(() => ArtifactLocation.Parse(location));

    [Fact]
    public void Should_read_the_flavours_of_an_MLmodel_in_order()
    {
        Assert.Equal(["python_function", "pytorch"], MlmodelFile.Parse(PytorchMlmodel, "MLmodel").Flavors);
        Assert.Contains("no python_function flavour", Assert.Throws<ServingRefusedException>(() => MlmodelFile.Parse("flavors:\n  pytorch: {}\n", "MLmodel")).Message, StringComparison.Ordinal);
        Assert.Contains("not YAML", Assert.Throws<ServingRefusedException>(() => MlmodelFile.Parse("flavors: [\n", "MLmodel")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_choose_the_image_from_the_policy_then_the_flavour_then_the_default()
    {
        var pytorch = MlmodelFile.Parse(PytorchMlmodel, "MLmodel");
        var sklearn = new MlmodelFile(["python_function", "sklearn"]);
        var images = new ServingOptions().ImagesByFlavor();

        Assert.Equal(ServingOptions.PyTorchImage, ModelServerImages.Choose(new ModelPolicy(), images, pytorch).Image);
        Assert.Equal(ServingOptions.DefaultImage, ModelServerImages.Choose(new ModelPolicy(), images, sklearn).Image);
        Assert.Equal("own:1", ModelServerImages.Choose(new ModelPolicy { Image = "own:1" }, images, pytorch).Image);
        var byFlavor = new ModelPolicy { ImagesByFlavor = new Dictionary<string, string> { ["sklearn"] = "sk:1", ["default"] = "base:1" } };
        Assert.Equal("sk:1", ModelServerImages.Choose(byFlavor, images, sklearn).Image);
        Assert.Equal(ServingOptions.PyTorchImage, ModelServerImages.Choose(byFlavor, images, pytorch).Image);
        Assert.Equal("base:1", ModelServerImages.Choose(byFlavor, images, new MlmodelFile(["python_function"])).Image);
    }

    [Theory]
    [InlineData("""{"inputs": [[1, 2]]}""", """{"inputs": [[1, 2]]}""")]
    [InlineData("""{"columns": ["a"], "data": [[1]]}""", """{"dataframe_split":{"columns":["a"],"data":[[1]]}}""")]
    [InlineData("""[{"a": 1}]""", """{"dataframe_records":[{"a":1}]}""")]
    [InlineData("""[[1, 2]]""", """{"inputs":[[1,2]]}""")]
    public void Should_turn_an_input_example_into_an_invocations_body(string example, string body) =>
        Assert.Equal(body, InputExample.FromExampleFile(example, "input_example.json"));
}
