using System.Xml.Linq;

namespace Mlops.Images.Tests;

/// <summary>The service and mlopsctl images: built by the SDK from the repository root, run by the chiseled ASP.NET runtime.</summary>
public sealed class When_reading_a_dotnet_image_Dockerfile
{
    private const string SdkImage = "mcr.microsoft.com/dotnet/sdk:10.0";
    private const string RuntimeImage = "mcr.microsoft.com/dotnet/aspnet:10.0-noble-chiseled";

    [Theory]
    [MemberData(nameof(RepositoryFiles.DotnetDockerfiles), MemberType = typeof(RepositoryFiles))]
    public void Should_build_with_the_sdk_and_run_on_the_chiseled_aspnet_runtime(string path)
    {
        var dockerfile = RepositoryFiles.Read(path);

        Assert.True(dockerfile.Stages.Count >= 2, $"{path} is not multi-stage");
        Assert.Equal(SdkImage, dockerfile.Stages[0].BaseImage);
        Assert.Equal(RuntimeImage, dockerfile.Final.BaseImage);
        // Only what the build stage published reaches the runtime image.
        var copies = dockerfile.Final.All("COPY").ToList();
        Assert.NotEmpty(copies);
        Assert.All(copies, copy => Assert.Equal(dockerfile.Stages[0].Name, copy.Flags.GetValueOrDefault("from")));
    }

    [Theory]
    [MemberData(nameof(RepositoryFiles.DotnetDockerfiles), MemberType = typeof(RepositoryFiles))]
    public void Should_restore_and_publish_the_project_beside_it(string path)
    {
        var dockerfile = RepositoryFiles.Read(path);
        var project = ProjectBeside(dockerfile);

        var built = dockerfile.Stages[0].All("RUN")
            .Select(run => run.Words)
            .Where(words => words.Count > 2 && words[0] == "dotnet" && words[1] is "restore" or "publish")
            .Select(words => (Verb: words[1], Project: words[2]))
            .ToList();

        Assert.Equal([("restore", project), ("publish", project)], built);
    }

    [Theory]
    [MemberData(nameof(RepositoryFiles.DotnetDockerfiles), MemberType = typeof(RepositoryFiles))]
    public void Should_start_the_assembly_its_project_builds(string path)
    {
        var dockerfile = RepositoryFiles.Read(path);
        var project = ProjectBeside(dockerfile);
        var assembly = XDocument.Load(Path.Combine(RepositoryFiles.Root, project)).Descendants("AssemblyName").LastOrDefault()?.Value
            ?? Path.GetFileNameWithoutExtension(project);

        var entrypoint = dockerfile.Final.All("ENTRYPOINT").Single().ExecForm();

        Assert.Equal(["dotnet", assembly + ".dll"], entrypoint);
    }

    [Theory]
    [MemberData(nameof(RepositoryFiles.DotnetDockerfiles), MemberType = typeof(RepositoryFiles))]
    public void Should_copy_only_files_that_exist_and_reach_the_build_context(string path)
    {
        var dockerfile = RepositoryFiles.Read(path);
        var ignore = DockerIgnore.Read(Path.Combine(RepositoryFiles.Root, ".dockerignore"));
        var sources = dockerfile.Instructions
            .Where(i => i.Keyword == "COPY" && !i.Flags.ContainsKey("from"))
            .SelectMany(i => i.Operands.SkipLast(1))
            .ToList();

        Assert.NotEmpty(sources);
        Assert.All(sources, source =>
        {
            Assert.True(RepositoryFiles.Exists(source), $"{path} copies {source}, which the repository does not have");
            Assert.False(ignore.Excludes(source.TrimEnd('/')), $"{path} copies {source}, which .dockerignore keeps out of the context");
        });
    }

    [Theory]
    [MemberData(nameof(RepositoryFiles.DotnetDockerfiles), MemberType = typeof(RepositoryFiles))]
    public void Should_copy_every_project_it_references_before_restoring(string path)
    {
        var dockerfile = RepositoryFiles.Read(path);
        var build = dockerfile.Stages[0].Instructions;
        var restore = build.ToList().FindIndex(i => i.Keyword == "RUN" && i.Arguments.StartsWith("dotnet restore", StringComparison.Ordinal));
        var beforeRestore = build.Take(restore).Where(i => i.Keyword == "COPY").SelectMany(i => i.Operands.SkipLast(1)).ToHashSet(StringComparer.Ordinal);

        // Only project and settings files before the restore, so its layer survives a source change.
        Assert.All(beforeRestore, source => Assert.Matches(@"(\.csproj|\.props|global\.json|\.editorconfig)$", source));
        foreach (var required in new[] { "global.json", "Directory.Build.props", "Directory.Packages.props" })
            Assert.Contains(required, beforeRestore);
        foreach (var project in ProjectClosure(ProjectBeside(dockerfile)))
        {
            Assert.Contains(project, beforeRestore);
            Assert.Contains(build.Skip(restore), i => i.Keyword == "COPY" && i.Operands[0] == Path.GetDirectoryName(project)!.Replace('\\', '/') + "/");
        }
    }

    [Theory]
    [MemberData(nameof(RepositoryFiles.DotnetDockerfiles), MemberType = typeof(RepositoryFiles))]
    public void Should_listen_on_8080(string path)
    {
        var final = RepositoryFiles.Read(path).Final;

        Assert.Contains(final.All("EXPOSE"), e => e.Operands.Contains("8080"));
        Assert.Contains(final.All("ENV").SelectMany(e => e.Assignments()), a => a == ("ASPNETCORE_HTTP_PORTS", "8080"));
    }

    /// <summary>The one project in the Dockerfile's directory.</summary>
    private static string ProjectBeside(Dockerfile dockerfile)
    {
        var projects = Directory.GetFiles(Path.Combine(RepositoryFiles.Root, dockerfile.Directory), "*.csproj");
        Assert.True(projects.Length == 1, $"{dockerfile.Path}: expected one project beside it, found {projects.Length}");
        return Path.GetRelativePath(RepositoryFiles.Root, projects[0]).Replace('\\', '/');
    }

    /// <summary>The project and every project it references, transitively, relative to the repository root.</summary>
    private static HashSet<string> ProjectClosure(string project)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>([project]);
        while (pending.TryPop(out var next))
        {
            if (!seen.Add(next))
                continue;
            var directory = Path.GetDirectoryName(Path.Combine(RepositoryFiles.Root, next))!;
            foreach (var reference in XDocument.Load(Path.Combine(RepositoryFiles.Root, next)).Descendants("ProjectReference"))
            {
                var full = Path.GetFullPath(Path.Combine(directory, reference.Attribute("Include")!.Value));
                pending.Push(Path.GetRelativePath(RepositoryFiles.Root, full).Replace('\\', '/'));
            }
        }
        return seen;
    }
}
