namespace Mlops.Images.Tests;

/// <summary>The root <c>.dockerignore</c>: build output, local state and environment settings never reach a builder.</summary>
public sealed class When_reading_the_dockerignore
{
    private static readonly DockerIgnore Ignore = DockerIgnore.Read(Path.Combine(RepositoryFiles.Root, ".dockerignore"));

    [Theory]
    [InlineData("services/ModelPromoter/bin/Release/net10.0/Mlops.ModelPromoter.dll")]
    [InlineData("services/ModelPromoter/obj/project.assets.json")]
    [InlineData("tools/mlopsctl/bin")]
    [InlineData("contracts/obj")]
    [InlineData("TestResults/Mlops.Images.Tests.trx")]
    [InlineData(".run/secrets")]
    [InlineData(".run/data/provisioner/sagas.db")]
    [InlineData("tools/Sandbox/s3rver/node_modules/s3rver/package.json")]
    [InlineData(".git/config")]
    [InlineData("services/Provisioner/sagas.db")]
    [InlineData("services/ModelPromoter/appsettings.Development.json")]
    [InlineData("services/Provisioner/appsettings.Production.json")]
    public void Should_exclude(string path) => Assert.True(Ignore.Excludes(path), $"{path} would reach the build context");

    [Theory]
    [InlineData("services/ModelPromoter/appsettings.json")]
    [InlineData("services/ModelPromoter/Program.cs")]
    [InlineData("services/Provisioner/Manifests/minio.yaml")]
    [InlineData("tools/mlopsctl/Dashboard/wwwroot/index.html")]
    [InlineData("Directory.Packages.props")]
    [InlineData("global.json")]
    public void Should_keep(string path) => Assert.False(Ignore.Excludes(path), $"{path} would be missing from the build context");

    [Fact]
    public void Should_read_patterns_as_the_builder_does()
    {
        var ignore = DockerIgnore.Parse(["**/bin/", "*.md", "!README.md", "docs"]);

        Assert.True(ignore.Excludes("a/b/bin/x.dll"));
        Assert.True(ignore.Excludes("bin/x.dll"));
        Assert.False(ignore.Excludes("a/binary/x.dll"));
        Assert.True(ignore.Excludes("NOTES.md"));
        Assert.False(ignore.Excludes("README.md"));
        Assert.False(ignore.Excludes("a/NOTES.md"));
        Assert.True(ignore.Excludes("docs/images.md"));
    }
}
