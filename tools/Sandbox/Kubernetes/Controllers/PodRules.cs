using System.Text;
using System.Text.Json.Nodes;

namespace Mlops.Sandbox.Kubernetes.Controllers;

/// <summary>
/// The sandbox's rules for images (which cannot be pulled, and the errors and ids the runtime reports) and the
/// exit-code annotation a Job, its pods or a Workflow can carry.
/// </summary>
public static class PodRules
{
    /// <summary>Annotation (on a Job, its pod template, or a Workflow) naming the exit code its pod ends with; non-zero fails it.</summary>
    public const string ExitCodeAnnotation = "sandbox.mlops.dev/exit-code";

    /// <summary>
    /// An image the sandbox cannot pull: its registry host is in the reserved <c>.invalid</c> domain
    /// (<c>registry.invalid/model:1</c>) or its tag is <c>does-not-exist</c> (<c>ghcr.io/mlflow/mlflow:does-not-exist</c>).
    /// </summary>
    public static bool IsUnpullable(string? image)
    {
        if (string.IsNullOrEmpty(image))
            return true;
        var slash = image.IndexOf('/', StringComparison.Ordinal);
        var host = slash > 0 ? image[..slash] : "";
        var hostIsRegistry = host.Contains('.', StringComparison.Ordinal) || host.Contains(':', StringComparison.Ordinal) || host == "localhost";
        if (hostIsRegistry && host.Split(':')[0].EndsWith(".invalid", StringComparison.Ordinal))
            return true;
        var lastSegment = image[(image.LastIndexOf('/') + 1)..];
        return lastSegment.EndsWith(":does-not-exist", StringComparison.Ordinal);
    }

    public static bool AnyUnpullable(JsonObject? podSpec) => ObjectMeta.Containers(podSpec).Any(c => IsUnpullable(c.String("image")));

    /// <summary>The exit code from the annotation on the owner or its pod template; 0 when absent.</summary>
    public static int ExitCode(JsonObject owner, JsonObject? template)
    {
        var text = owner.Annotation(ExitCodeAnnotation) ?? template?["metadata"]?["annotations"].String(ExitCodeAnnotation);
        return int.TryParse(text, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var code) ? code : 0;
    }

    /// <summary>What containerd answers the kubelet for an unpullable image (the pod's ErrImagePull message).</summary>
    public static string PullError(string image)
    {
        var qualified = QualifiedImage(image);
        var slash = qualified.IndexOf('/', StringComparison.Ordinal);
        var host = qualified[..slash];
        var repositoryAndTag = qualified[(slash + 1)..];
        var colon = repositoryAndTag.LastIndexOf(':');
        var (repository, tag) = colon > 0 ? (repositoryAndTag[..colon], repositoryAndTag[(colon + 1)..]) : (repositoryAndTag, "latest");
        return host.Split(':')[0].EndsWith(".invalid", StringComparison.Ordinal)
            ? $"rpc error: code = Unknown desc = failed to pull and unpack image \"{qualified}\": failed to resolve reference \"{qualified}\": failed to do request: Head \"https://{host}/v2/{repository}/manifests/{tag}\": dial tcp: lookup {host.Split(':')[0]}: no such host"
            : $"rpc error: code = NotFound desc = failed to pull and unpack image \"{qualified}\": failed to resolve reference \"{qualified}\": {qualified}: not found";
    }

    /// <summary>An image reference as containerd names it: <c>python:3.11</c> is <c>docker.io/library/python:3.11</c>.</summary>
    public static string QualifiedImage(string image)
    {
        if (string.IsNullOrEmpty(image))
            return image;
        var slash = image.IndexOf('/', StringComparison.Ordinal);
        var first = slash > 0 ? image[..slash] : "";
        var hasRegistry = first.Contains('.', StringComparison.Ordinal) || first.Contains(':', StringComparison.Ordinal) || first == "localhost";
        var qualified = hasRegistry ? image : slash > 0 ? $"docker.io/{image}" : $"docker.io/library/{image}";
        var lastSegment = qualified[(qualified.LastIndexOf('/') + 1)..];
        return lastSegment.Contains(':', StringComparison.Ordinal) || lastSegment.Contains('@', StringComparison.Ordinal) ? qualified : qualified + ":latest";
    }

    /// <summary>The digest-pinned image id a running container reports (a stable digest of the reference here).</summary>
    public static string ImageId(string image)
    {
        var qualified = QualifiedImage(image);
        var at = qualified.IndexOf('@', StringComparison.Ordinal);
        if (at > 0)
            return qualified;
        var lastColon = qualified.LastIndexOf(':');
        var repository = lastColon > qualified.LastIndexOf('/') ? qualified[..lastColon] : qualified;
        var digest = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(qualified)));
        return $"{repository}@sha256:{digest}";
    }
}
