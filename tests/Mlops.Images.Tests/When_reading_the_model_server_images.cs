using Mlops.ModelPromoter.Serving;

namespace Mlops.Images.Tests;

/// <summary>The images the ModelPromoter serves models with by default are defined here, at the MLflow version their tag names.</summary>
public sealed class When_reading_the_model_server_images
{
    public static TheoryData<string> DefaultImages() => new(new ServingOptions().ImagesByFlavor().Values.Distinct());

    [Theory]
    [MemberData(nameof(DefaultImages))]
    public void Should_have_a_directory_whose_Dockerfile_pins_the_tagged_MLflow(string image)
    {
        var (name, tag) = Split(image);
        var path = $"images/{name}/Dockerfile";
        Assert.True(RepositoryFiles.Exists(path), $"{image}: no {path}");
        var dockerfile = RepositoryFiles.Read(path);

        var install = PipInstall(dockerfile);

        Assert.Contains($"mlflow=={tag}", install);
        Assert.Contains(install, p => p.StartsWith("boto3==", StringComparison.Ordinal) && p.Length > "boto3==".Length);
    }

    [Fact]
    public void Should_give_PyTorch_models_the_CPU_build_of_torch()
    {
        var (name, _) = Split(ServingOptions.PyTorchImage);
        var dockerfile = RepositoryFiles.Read($"images/{name}/Dockerfile");
        var run = string.Join(' ', dockerfile.Instructions.Where(i => i.Keyword == "RUN").Select(i => i.Arguments));

        Assert.Contains(PipInstall(dockerfile), p => p.StartsWith("torch==", StringComparison.Ordinal));
        Assert.Contains("--index-url https://download.pytorch.org/whl/cpu", run, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(DefaultImages))]
    public void Should_expose_the_port_the_promoter_probes(string image)
    {
        var dockerfile = RepositoryFiles.Read($"images/{Split(image).Name}/Dockerfile");
        var port = ModelServerManifests.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);

        Assert.Contains(dockerfile.Final.All("EXPOSE"), e => e.Operands.Contains(port));
    }

    /// <summary>The packages pip installs, each <c>name==version</c> with the Dockerfile's ARG defaults filled in.</summary>
    private static List<string> PipInstall(Dockerfile dockerfile)
    {
        var args = dockerfile.Instructions.Where(i => i.Keyword == "ARG").SelectMany(i => i.Assignments())
            .Where(a => a.Value is not null).ToDictionary(a => a.Name, a => a.Value!, StringComparer.Ordinal);
        return dockerfile.Instructions.Where(i => i.Keyword == "RUN")
            .SelectMany(i => i.Words)
            .Select(word => args.Aggregate(word.Trim('"', '\''), (text, arg) => text.Replace($"${{{arg.Key}}}", arg.Value, StringComparison.Ordinal)))
            .Where(word => word.Contains("==", StringComparison.Ordinal))
            .ToList();
    }

    private static (string Name, string Tag) Split(string image)
    {
        Assert.StartsWith(RepositoryFiles.Registry + "/", image);
        var nameAndTag = image[(RepositoryFiles.Registry.Length + 1)..].Split(':');
        Assert.Equal(2, nameAndTag.Length);
        return (nameAndTag[0], nameAndTag[1]);
    }
}
