using System.Globalization;
using System.Text.RegularExpressions;
using Mlops.Contracts;

namespace Mlops.TrainingCoordinator.Training;

/// <summary>
/// What a <see cref="StartTraining"/> must satisfy before anything is created: names the systems accept, an image
/// reference, a command, sensible arguments and resources. Each problem is said in words a person can act on.
/// </summary>
public static partial class TrainingRequestRules
{
    private const int MaxModelName = 256;
    private const int MaxExperimentName = 500;
    private const int MaxVolumes = 20;
    private const int MaxGpus = 16;
    private static readonly HashSet<string> Effects = new(StringComparer.Ordinal) { "NoSchedule", "PreferNoSchedule", "NoExecute" };

    /// <summary>Every problem of the request; empty when it may run.</summary>
    public static IReadOnlyList<string> Problems(StartTraining request, TrainingSettings settings)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(settings);
        var problems = new List<string>();
        if (request.StackName is null || !DnsLabel().IsMatch(request.StackName) || request.StackName.Length > 63)
            problems.Add($"StackName '{Shown(request.StackName)}' must be a stack's name: a DNS-1123 label (lowercase letters, digits and '-', at most 63)");
        RegistryName(problems, "ModelName", request.ModelName, MaxModelName, forbidSlash: true);
        RegistryName(problems, "ExperimentName", request.ExperimentName, MaxExperimentName, forbidSlash: false);
        if (string.IsNullOrWhiteSpace(request.Image))
            problems.Add("Image is required: the training image, e.g. ghcr.io/example/cnn-train:1.4");
        else if (!IsImageReference(request.Image.Trim()))
            problems.Add($"Image '{Shown(request.Image)}' is not an image reference ([registry/]name[:tag][@sha256:digest], lowercase name)");

        if (request.Command is null || request.Command.Any(string.IsNullOrWhiteSpace))
            problems.Add("Command must not hold empty words; leave it empty for the default 'python train.py'");
        if (request.Arguments is null || request.Arguments.Any(a => a is null || a.Contains('\0', StringComparison.Ordinal)))
            problems.Add("Arguments must not hold null or NUL characters");
        Parameters(problems, request.Parameters);
        if (request.Command is not null && request.Arguments is not null && request.Parameters is not null && request.Volumes is not null)
            Epochs(problems, TrainingPlan.ArgumentsOf(request));

        Resources(problems, request.Resources);
        Volumes(problems, request.Volumes);
        foreach (var secret in request.ImagePullSecrets ?? [])
        {
            if (!IsSubdomain(secret))
                problems.Add($"ImagePullSecrets holds '{Shown(secret)}', which is not a Secret name (a DNS-1123 subdomain)");
        }
        if (request.ServiceAccount is not null && !IsSubdomain(request.ServiceAccount))
            problems.Add($"ServiceAccount '{Shown(request.ServiceAccount)}' is not a service account name (a DNS-1123 subdomain)");
        if (request.Namespace is not null && (request.Namespace.Length > 63 || !DnsLabel().IsMatch(request.Namespace)))
            problems.Add($"Namespace '{Shown(request.Namespace)}' is not a namespace name (a DNS-1123 label)");
        var runner = request.Runner?.Trim().ToLowerInvariant();
        if (runner is not (StartTraining.JobRunner or StartTraining.ArgoRunner))
            problems.Add($"Runner '{Shown(request.Runner)}' must be '{StartTraining.JobRunner}' (a Kubernetes Job) or '{StartTraining.ArgoRunner}' (an Argo Workflow)");
        else if (runner == StartTraining.ArgoRunner && !settings.WatchWorkflows)
            problems.Add($"Runner '{StartTraining.ArgoRunner}': the argo runner is not enabled: set trainingCoordinator.argo.enabled in the chart's values (Training:WatchWorkflows), which grants the coordinator access to Argo Workflows, or use the '{StartTraining.JobRunner}' runner");
        if (request.Timeout is { } timeout && (timeout < TimeSpan.FromSeconds(1) || timeout > settings.MaxTimeout))
            problems.Add($"Timeout {timeout} must be at least one second and at most {settings.MaxTimeout}");
        if (request.RequestedBy is { } who && (who.Length > 200 || who.Any(char.IsControl)))
            problems.Add("RequestedBy must be at most 200 characters without control characters");
        if (request.TrainingId == Guid.Empty)
            problems.Add("TrainingId must not be the empty id; leave it out to use the message's id");
        return problems;
    }

    /// <summary>Whether <paramref name="image"/> is a container image reference as the distribution grammar defines it.</summary>
    public static bool IsImageReference(string image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var match = ImageReference().Match(image);
        return match.Success && match.Groups["name"].Length <= 255;
    }

    private static void RegistryName(List<string> problems, string field, string? name, int max, bool forbidSlash)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            problems.Add($"{field} must not be empty");
            return;
        }
        if (name.Length > max)
            problems.Add($"{field} must be at most {max} characters (it has {name.Length})");
        if (name.Trim().Length != name.Length)
            problems.Add($"{field} '{Shown(name)}' must not start or end with white space");
        if (name.Any(char.IsControl))
            problems.Add($"{field} must not hold control characters");
        // Quotes and backslashes would have to be escaped inside MLflow's search filters; '/' and ':' break models:/ URIs.
        if (name.IndexOfAny(['\'', '"', '`', '\\']) >= 0 || (forbidSlash && name.IndexOfAny(['/', ':']) >= 0))
            problems.Add(forbidSlash
                ? $"{field} '{Shown(name)}' must not hold quotes, backslashes, '/' or ':' (MLflow filters and models:/ URIs carry it)"
                : $"{field} '{Shown(name)}' must not hold quotes or backslashes (MLflow filters carry it)");
    }

    private static void Parameters(List<string> problems, IReadOnlyDictionary<string, string>? parameters)
    {
        if (parameters is null)
        {
            problems.Add("Parameters must not be null");
            return;
        }
        foreach (var (name, value) in parameters)
        {
            if (!ParameterName().IsMatch(name))
                problems.Add($"Parameter name '{Shown(name)}' must start with a letter and hold letters, digits, '_', '-' or '.' (it becomes --{Shown(name)})");
            if (value is null || value.Length > 1000 || value.Any(char.IsControl))
                problems.Add($"Parameter '{Shown(name)}' must have a value of at most 1000 characters without control characters");
        }
    }

    private static void Epochs(List<string> problems, IReadOnlyList<string> arguments)
    {
        var value = TrainingPlan.OptionValue(arguments, "epochs", out var present);
        if (!present)
            return;
        if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var epochs) || epochs < 1)
            problems.Add($"epochs must be a whole number of at least 1 (got '{Shown(value)}')");
    }

    private static void Resources(List<string> problems, TrainingResources? resources)
    {
        if (resources is null)
            return;
        Quantity(problems, "Resources.Cpu", resources.Cpu);
        Quantity(problems, "Resources.Memory", resources.Memory);
        Quantity(problems, "Resources.CpuLimit", resources.CpuLimit);
        Quantity(problems, "Resources.MemoryLimit", resources.MemoryLimit);
        if (resources.Gpus is < 0 or > MaxGpus)
            problems.Add($"Resources.Gpus must be 0 to {MaxGpus} (got {resources.Gpus})");
        foreach (var (key, value) in resources.NodeSelector ?? new Dictionary<string, string>())
        {
            if (!IsLabelKey(key))
                problems.Add($"Resources.NodeSelector key '{Shown(key)}' is not a label key ([prefix/]name, the name at most 63 characters)");
            if (value is null || !IsLabelValue(value))
                problems.Add($"Resources.NodeSelector value of '{Shown(key)}' is not a label value (at most 63 letters, digits, '-', '_' or '.')");
        }
        foreach (var toleration in resources.Tolerations ?? [])
        {
            if (toleration is null || !IsLabelKey(toleration.Key))
            {
                problems.Add($"Resources.Tolerations holds a key '{Shown(toleration?.Key)}' that is not a taint key");
                continue;
            }
            if (toleration.Operator is not ("Exists" or "Equal"))
                problems.Add($"Resources.Tolerations '{toleration.Key}' has operator '{Shown(toleration.Operator)}': it must be Exists or Equal");
            else if (toleration.Operator == "Exists" && toleration.Value is not null)
                problems.Add($"Resources.Tolerations '{toleration.Key}' uses Exists, which takes no value");
            else if (toleration.Operator == "Equal" && (toleration.Value is null || !IsLabelValue(toleration.Value)))
                problems.Add($"Resources.Tolerations '{toleration.Key}' uses Equal and needs a value (a label value)");
            if (toleration.Effect is not null && !Effects.Contains(toleration.Effect))
                problems.Add($"Resources.Tolerations '{toleration.Key}' has effect '{Shown(toleration.Effect)}': it must be NoSchedule, PreferNoSchedule or NoExecute");
        }
    }

    private static void Quantity(List<string> problems, string field, string? quantity)
    {
        if (quantity is null)
            return;
        var match = QuantityPattern().Match(quantity);
        if (!match.Success || !decimal.TryParse(match.Groups["number"].Value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number) || number <= 0)
            problems.Add($"{field} '{Shown(quantity)}' is not a positive Kubernetes quantity such as 500m, 2, 512Mi or 8Gi");
    }

    private static void Volumes(List<string> problems, IReadOnlyList<TrainingVolume>? volumes)
    {
        if (volumes is null)
        {
            problems.Add("Volumes must not be null");
            return;
        }
        if (volumes.Count > MaxVolumes)
            problems.Add($"Volumes may hold at most {MaxVolumes} volumes");
        var names = new HashSet<string>(StringComparer.Ordinal);
        var paths = new HashSet<string>(StringComparer.Ordinal);
        foreach (var volume in volumes)
        {
            if (volume is null)
            {
                problems.Add("Volumes must not hold null");
                continue;
            }
            if (volume.Name is null || volume.Name.Length > 63 || !DnsLabel().IsMatch(volume.Name))
                problems.Add($"Volume name '{Shown(volume.Name)}' is not a DNS-1123 label");
            else if (!names.Add(volume.Name))
                problems.Add($"Volume name '{volume.Name}' is used twice");
            if (volume.MountPath is null || !volume.MountPath.StartsWith('/') || volume.MountPath.Contains(':', StringComparison.Ordinal)
                || volume.MountPath.Split('/').Contains("..") || volume.MountPath.Any(char.IsControl))
                problems.Add($"Volume '{Shown(volume.Name)}' needs an absolute MountPath without ':' or '..' (got '{Shown(volume.MountPath)}')");
            else if (!paths.Add(volume.MountPath.TrimEnd('/')))
                problems.Add($"MountPath '{volume.MountPath}' is used by two volumes");
            var sources = (volume.ClaimName is not null ? 1 : 0) + (volume.ConfigMapName is not null ? 1 : 0) + (volume.EmptyDir ? 1 : 0);
            if (sources != 1)
                problems.Add($"Volume '{Shown(volume.Name)}' must have exactly one source: ClaimName, ConfigMapName or EmptyDir");
            if (volume.ClaimName is not null && !IsSubdomain(volume.ClaimName))
                problems.Add($"Volume '{Shown(volume.Name)}' names claim '{Shown(volume.ClaimName)}', which is not a DNS-1123 subdomain");
            if (volume.ConfigMapName is not null && !IsSubdomain(volume.ConfigMapName))
                problems.Add($"Volume '{Shown(volume.Name)}' names ConfigMap '{Shown(volume.ConfigMapName)}', which is not a DNS-1123 subdomain");
        }
        if (volumes.Count(v => v is { TrainingData: true }) > 1)
            problems.Add("At most one volume may be marked TrainingData");
    }

    private static bool IsSubdomain(string? name) =>
        name is { Length: > 0 and <= 253 } && name.Split('.').All(part => part.Length <= 63 && DnsLabel().IsMatch(part));

    private static bool IsLabelKey(string? key)
    {
        if (string.IsNullOrEmpty(key))
            return false;
        var slash = key.LastIndexOf('/');
        var name = slash >= 0 ? key[(slash + 1)..] : key;
        return (slash < 0 || IsSubdomain(key[..slash])) && name.Length is > 0 and <= 63 && LabelName().IsMatch(name);
    }

    private static bool IsLabelValue(string value) => value.Length == 0 || (value.Length <= 63 && LabelName().IsMatch(value));

    // Echoes a bounded, printable form of what was sent.
    private static string Shown(string? value)
    {
        if (value is null)
            return "(none)";
        var printable = new string(value.Select(c => char.IsControl(c) ? '?' : c).ToArray());
        return printable.Length > 80 ? printable[..80] + "…" : printable;
    }

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", RegexOptions.CultureInvariant)]
    private static partial Regex DnsLabel();

    [GeneratedRegex("^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$", RegexOptions.CultureInvariant)]
    private static partial Regex LabelName();

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_.-]{0,99}$", RegexOptions.CultureInvariant)]
    private static partial Regex ParameterName();

    [GeneratedRegex(@"^(?<number>[0-9]+(\.[0-9]+)?|\.[0-9]+)(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$", RegexOptions.CultureInvariant)]
    private static partial Regex QuantityPattern();

    // github.com/distribution/reference: [domain[:port]/]path-component(/path-component)*[:tag][@digest]
    [GeneratedRegex(
        @"^(?<name>(?:(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*(?::[0-9]+)?/)?" +
        @"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*)" +
        @"(?::[\w][\w.-]{0,127})?(?:@[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,})?$",
        RegexOptions.CultureInvariant)]
    private static partial Regex ImageReference();
}
