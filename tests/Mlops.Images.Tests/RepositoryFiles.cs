using Mlops.Testing;

namespace Mlops.Images.Tests;

/// <summary>The repository's Dockerfiles and the images they make, found on disk so that a new one cannot go unchecked.</summary>
public static class RepositoryFiles
{
    public const string Registry = "ghcr.io/mlops-control-plane";

    /// <summary>The .NET images: their Dockerfile and the image name the workflow must push it as.</summary>
    public static readonly IReadOnlyDictionary<string, string> DotnetImages = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["services/Provisioner/Dockerfile"] = "provisioner",
        ["services/TrainingCoordinator/Dockerfile"] = "training-coordinator",
        ["services/ModelPromoter/Dockerfile"] = "model-promoter",
        ["tools/mlopsctl/Dockerfile"] = "mlopsctl",
    };

    private static readonly string[] Skipped = ["bin", "obj", "node_modules", ".git", ".run", "TestResults"];

    public static string Root => TestEnvironment.RepositoryRoot;

    /// <summary>Every Dockerfile in the repository, relative to its root, with forward slashes.</summary>
    public static IReadOnlyList<string> Dockerfiles() => Walk(Root)
        .Where(path => System.IO.Path.GetFileName(path) == "Dockerfile" || path.EndsWith(".Dockerfile", StringComparison.Ordinal))
        .Select(path => System.IO.Path.GetRelativePath(Root, path).Replace('\\', '/'))
        .Order(StringComparer.Ordinal)
        .ToList();

    public static TheoryData<string> AllDockerfiles() => new(Dockerfiles());

    public static TheoryData<string> DotnetDockerfiles() => new(DotnetImages.Keys);

    public static Dockerfile Read(string relativePath) => Dockerfile.Read(Root, relativePath);

    public static bool Exists(string relativePath) =>
        File.Exists(System.IO.Path.Combine(Root, relativePath)) || Directory.Exists(System.IO.Path.Combine(Root, relativePath));

    private static IEnumerable<string> Walk(string directory)
    {
        foreach (var file in Directory.EnumerateFiles(directory))
            yield return file;
        foreach (var child in Directory.EnumerateDirectories(directory))
        {
            if (Skipped.Contains(System.IO.Path.GetFileName(child)))
                continue;
            foreach (var file in Walk(child))
                yield return file;
        }
    }
}
