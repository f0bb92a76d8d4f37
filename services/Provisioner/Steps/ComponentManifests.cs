using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Options;

namespace Mlops.Provisioner.Steps;

/// <summary>
/// The manifests of the in-cluster MinIO and MLflow: shipped in the assembly (Manifests/*.yaml), replaceable by a file of
/// the same name in <c>Provisioner:ManifestsDirectory</c>. <c>${NAME}</c> placeholders are filled in from the stack (values
/// the stack's rules already checked, escaped for the double-quoted YAML strings they stand in).
/// </summary>
public sealed partial class ComponentManifests(IOptions<ProvisionerOptions> options)
{
    public const string Minio = "minio.yaml";
    public const string Mlflow = "mlflow.yaml";

    /// <summary>The objects of <paramref name="file"/> with <paramref name="values"/> filled in, every one in <paramref name="ns"/>.</summary>
    public IReadOnlyList<IKubernetesObject<V1ObjectMeta>> Render(string file, string ns, IReadOnlyDictionary<string, string> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var (text, source) = Read(file);
        var unknown = new SortedSet<string>(StringComparer.Ordinal);
        var rendered = Placeholder().Replace(text, match =>
        {
            var key = match.Groups[1].Value;
            if (values.TryGetValue(key, out var value))
                return value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);
            unknown.Add(key);
            return match.Value;
        });
        if (unknown.Count > 0)
            throw StackStepRun.Fail($"{source} uses ${{{string.Join("}, ${", unknown)}}}, which the Provisioner does not fill in; known: {string.Join(", ", values.Keys.Order(StringComparer.Ordinal))}");
        List<object> documents;
        try
        {
            documents = KubernetesYaml.LoadAllFromString(rendered);
        }
        catch (Exception ex) when (ex is YamlDotNet.Core.YamlException or InvalidOperationException or ArgumentException)
        {
            throw StackStepRun.Fail($"{source} is not a list of Kubernetes manifests: {ex.Message}");
        }
        var objects = new List<IKubernetesObject<V1ObjectMeta>>();
        foreach (var document in documents)
        {
            if (document is not (V1Deployment or V1Service or V1PersistentVolumeClaim or V1ConfigMap) || document is not IKubernetesObject<V1ObjectMeta> obj)
                throw StackStepRun.Fail($"{source} holds a {document?.GetType().Name ?? "null"}; a component's manifests are Deployments, Services, PersistentVolumeClaims and ConfigMaps");
            obj.Metadata ??= new V1ObjectMeta();
            obj.Metadata.NamespaceProperty = ns;
            objects.Add(obj);
        }
        return objects;
    }

    private (string Text, string Source) Read(string file)
    {
        if (options.Value.ManifestsDirectory is { Length: > 0 } folder && Path.Combine(folder, file) is var path && File.Exists(path))
            return (File.ReadAllText(path), path);
        var assembly = typeof(ComponentManifests).Assembly;
        var resource = assembly.GetManifestResourceNames().Single(n => n.EndsWith("." + file, StringComparison.Ordinal));
        using var stream = assembly.GetManifestResourceStream(resource)!;
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return (reader.ReadToEnd(), $"the shipped {file}");
    }

    [GeneratedRegex(@"\$\{([A-Z_]+)\}")]
    private static partial Regex Placeholder();
}
