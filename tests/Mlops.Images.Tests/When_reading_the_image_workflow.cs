using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Mlops.Images.Tests;

/// <summary>The workflow the forge runs (never run here): every image built, scanned before anything is pushed, pushed to ghcr.io.</summary>
public sealed partial class When_reading_the_image_workflow
{
    private readonly ImageWorkflow _workflow = ImageWorkflow.Load();

    [Fact]
    public void Should_build_every_Dockerfile_in_the_repository_once()
    {
        var built = _workflow.MatrixEntries().Select(e => e.GetValueOrDefault("dockerfile")).ToList();

        Assert.Equal(RepositoryFiles.Dockerfiles(), built.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Should_name_each_image_after_its_service_and_build_it_in_its_context()
    {
        foreach (var entry in _workflow.MatrixEntries())
        {
            var dockerfile = entry["dockerfile"];
            var expected = RepositoryFiles.DotnetImages.TryGetValue(dockerfile, out var name)
                ? (name, ".")
                : (Path.GetFileName(Path.GetDirectoryName(dockerfile))!, Path.GetDirectoryName(dockerfile)!.Replace('\\', '/'));
            Assert.Equal(expected, (entry["image"], entry["context"]));
        }
    }

    [Fact]
    public void Should_push_to_the_projects_ghcr_namespace_with_package_write_permission()
    {
        var job = Assert.Single(_workflow.Jobs);

        Assert.Equal("write", ImageWorkflow.Text(job, "permissions", "packages"));
        Assert.Equal("read", ImageWorkflow.Text(_workflow.Root, "permissions", "contents"));
        Assert.Equal(RepositoryFiles.Registry + "/${{ matrix.image }}", ImageWorkflow.Text(job, "env", "IMAGE"));
        Assert.Contains(ImageWorkflow.Steps(job), s => ImageWorkflow.Text(s, "uses")?.StartsWith("docker/login-action@", StringComparison.Ordinal) == true
            && ImageWorkflow.Text(s, "with", "registry") == "${{ env.REGISTRY }}");
        Assert.Equal("ghcr.io", ImageWorkflow.Text(_workflow.Root, "env", "REGISTRY"));
    }

    [Fact]
    public void Should_push_only_from_main_and_tags()
    {
        var job = Assert.Single(_workflow.Jobs);
        var on = ImageWorkflow.Find(_workflow.Root, "on")!;

        Assert.Equal(["main"], Strings(ImageWorkflow.Find(on, "push", "branches")));
        Assert.Equal(["v*"], Strings(ImageWorkflow.Find(on, "push", "tags")));
        Assert.Equal("${{ github.event_name == 'push' }}", ImageWorkflow.Text(job, "env", "PUSH"));
        var pushes = ImageWorkflow.Steps(job).Where(s => ImageWorkflow.Text(s, "with", "push") == "true").ToList();
        Assert.NotEmpty(pushes);
        Assert.All(pushes, s => Assert.Equal("env.PUSH == 'true'", ImageWorkflow.Text(s, "if")));
    }

    [Fact]
    public void Should_scan_with_Trivy_failing_on_fixable_critical_and_high_before_the_push()
    {
        var job = Assert.Single(_workflow.Jobs);
        var steps = ImageWorkflow.Steps(job).ToList();
        var scan = steps.FindIndex(s => ImageWorkflow.Text(s, "uses")?.StartsWith("aquasecurity/trivy-action@", StringComparison.Ordinal) == true);
        var push = steps.FindIndex(s => ImageWorkflow.Text(s, "with", "push") == "true");

        Assert.True(scan >= 0, "no Trivy step");
        Assert.True(scan < push, "the scan runs after the push");
        Assert.Equal("1", ImageWorkflow.Text(steps[scan], "with", "exit-code"));
        Assert.Equal("true", ImageWorkflow.Text(steps[scan], "with", "ignore-unfixed"));
        Assert.Equal("CRITICAL,HIGH", ImageWorkflow.Text(steps[scan], "with", "severity"));
        // The image scanned is the one the build before it loaded.
        var built = steps.Take(scan).Last(s => ImageWorkflow.Text(s, "uses")?.StartsWith("docker/build-push-action@", StringComparison.Ordinal) == true);
        Assert.Equal("true", ImageWorkflow.Text(built, "with", "load"));
        Assert.Equal(ImageWorkflow.Text(built, "with", "tags"), ImageWorkflow.Text(steps[scan], "with", "image-ref"));
    }

    [Fact]
    public void Should_pin_every_action_to_a_version_or_a_commit()
    {
        var uses = _workflow.Jobs.SelectMany(ImageWorkflow.Steps).Select(s => ImageWorkflow.Text(s, "uses")).OfType<string>().ToList();

        Assert.NotEmpty(uses);
        Assert.All(uses, action => Assert.Matches(PinnedAction(), action));
    }

    private static List<string> Strings(YamlNode? node) =>
        (node as YamlSequenceNode)?.Children.OfType<YamlScalarNode>().Select(s => s.Value ?? "").ToList() ?? [];

    [GeneratedRegex(@"^[\w.-]+/[\w.-]+@(v\d+(\.\d+){0,2}|\d+\.\d+\.\d+|[0-9a-f]{40})$", RegexOptions.CultureInvariant)]
    private static partial Regex PinnedAction();
}
