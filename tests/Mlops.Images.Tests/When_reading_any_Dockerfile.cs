using System.Text.RegularExpressions;

namespace Mlops.Images.Tests;

/// <summary>What every image of the repository must be, read from its Dockerfile: nothing of it can be built here.</summary>
public sealed partial class When_reading_any_Dockerfile
{
    [Fact]
    public void Should_find_the_service_mlopsctl_and_model_server_Dockerfiles()
    {
        var found = RepositoryFiles.Dockerfiles();
        foreach (var expected in RepositoryFiles.DotnetImages.Keys.Append("images/mlflow-model-server/Dockerfile").Append("images/mlflow-model-server-pytorch/Dockerfile"))
            Assert.Contains(expected, found);
    }

    [Theory]
    [MemberData(nameof(RepositoryFiles.AllDockerfiles), MemberType = typeof(RepositoryFiles))]
    public void Should_parse_into_stages_with_a_base_image_each(string path)
    {
        var dockerfile = RepositoryFiles.Read(path);

        Assert.NotEmpty(dockerfile.Stages);
        Assert.All(dockerfile.Stages, stage => Assert.Matches(@"^[a-z0-9.\-/:@$_{}]+$", stage.BaseImage));
        var names = dockerfile.Stages.Select(s => s.Name).OfType<string>().ToList();
        Assert.Equal(names.Count, names.Distinct(StringComparer.OrdinalIgnoreCase).Count());
    }

    [Theory]
    [MemberData(nameof(RepositoryFiles.AllDockerfiles), MemberType = typeof(RepositoryFiles))]
    public void Should_run_its_final_stage_as_a_non_root_user(string path)
    {
        var user = RepositoryFiles.Read(path).Final.User;

        Assert.False(user is null, $"{path}: the final stage sets no USER, so it runs as the base image's user");
        Assert.True(IsNonRoot(user), $"{path}: USER {user} is root or not a numeric or $APP_UID user that runAsNonRoot can verify");
    }

    [Theory]
    [MemberData(nameof(RepositoryFiles.AllDockerfiles), MemberType = typeof(RepositoryFiles))]
    public void Should_have_no_HEALTHCHECK_since_Kubernetes_probes_it(string path) =>
        Assert.DoesNotContain(RepositoryFiles.Read(path).Instructions, i => i.Keyword == "HEALTHCHECK");

    [Theory]
    [MemberData(nameof(RepositoryFiles.AllDockerfiles), MemberType = typeof(RepositoryFiles))]
    public void Should_hold_no_secret_in_an_ENV_or_ARG(string path)
    {
        var secrets = RepositoryFiles.Read(path).Instructions
            .Where(i => i.Keyword is "ENV" or "ARG")
            .SelectMany(i => i.Assignments().Select(a => (i.Line, a.Name, a.Value)))
            .Where(a => SecretName().IsMatch(a.Name) && !string.IsNullOrEmpty(a.Value))
            .Select(a => $"{path}:{a.Line} {a.Name}")
            .ToList();

        Assert.True(secrets.Count == 0, $"values in layers for: {string.Join(", ", secrets)}");
    }

    [Theory]
    [MemberData(nameof(RepositoryFiles.AllDockerfiles), MemberType = typeof(RepositoryFiles))]
    public void Should_copy_no_environment_settings_file(string path)
    {
        var copied = RepositoryFiles.Read(path).Instructions
            .Where(i => i.Keyword is "COPY" or "ADD")
            .SelectMany(i => i.Operands.SkipLast(1))
            .Where(source => EnvironmentSettings().IsMatch(source))
            .ToList();

        Assert.Empty(copied);
    }

    [Theory]
    [MemberData(nameof(RepositoryFiles.AllDockerfiles), MemberType = typeof(RepositoryFiles))]
    public void Should_ADD_nothing_from_a_URL(string path) =>
        Assert.DoesNotContain(RepositoryFiles.Read(path).Instructions, i => i.Keyword == "ADD");

    /// <summary>A numeric uid other than 0, or the .NET images' <c>$APP_UID</c> (1654); a name cannot be checked by runAsNonRoot.</summary>
    private static bool IsNonRoot(string? user)
    {
        var uid = user?.Split(':')[0];
        return uid is "$APP_UID" or "${APP_UID}" || (int.TryParse(uid, out var number) && number > 0);
    }

    [GeneratedRegex("(PASSWORD|PASSWD|SECRET|TOKEN|CREDENTIAL|PRIVATE|ACCESS_?KEY|API_?KEY)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SecretName();

    [GeneratedRegex(@"(^|/)appsettings\.[^/]+\.json$|(^|/)appsettings\.\*", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex EnvironmentSettings();
}
