using Microsoft.Extensions.Options;

namespace Mlops.ModelPromoter.Serving;

/// <summary>Checks <c>ModelPromoter:Serving</c> at start; every message names the setting to fix.</summary>
public sealed class ServingOptionsValidation : IValidateOptions<ServingOptions>
{
    public ValidateOptionsResult Validate(string? name, ServingOptions options)
    {
        const string s = ServingOptions.Section;
        var problems = new List<string>();
        foreach (var (flavor, image) in options.Images)
        {
            if (string.IsNullOrWhiteSpace(image) || image.Any(char.IsWhiteSpace))
                problems.Add($"{s}:Images:{flavor} must be an image reference such as {ServingOptions.DefaultImage} (got '{image}').");
        }
        Positive(problems, $"{s}:StartupTimeout", options.StartupTimeout);
        Positive(problems, $"{s}:VirtualenvStartupTimeout", options.VirtualenvStartupTimeout);
        if (options.ProgressMargin < TimeSpan.Zero)
            problems.Add($"{s}:ProgressMargin must not be negative (got {options.ProgressMargin}).");
        if (options.RolloutDeadline is { } rollout)
            Positive(problems, $"{s}:RolloutDeadline", rollout);
        Positive(problems, $"{s}:SmokeCheckDeadline", options.SmokeCheckDeadline);
        Positive(problems, $"{s}:WatcherResync", options.WatcherResync);
        if (options.MaxInputExampleBytes is < 1 or > 16 * 1024 * 1024)
            problems.Add($"{s}:MaxInputExampleBytes must be between 1 and 16 MiB (got {options.MaxInputExampleBytes}).");
        if (options.StartupTimeout > TimeSpan.FromHours(6) || options.VirtualenvStartupTimeout > TimeSpan.FromHours(6))
            problems.Add($"{s}:StartupTimeout and {s}:VirtualenvStartupTimeout are at most 6 hours.");
        foreach (var ns in options.WatchNamespaces)
        {
            if (!Mlops.Clients.Kubernetes.KubernetesNames.IsLabel(ns))
                problems.Add($"{s}:WatchNamespaces holds '{ns}', which is not a namespace name.");
        }
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    private static void Positive(List<string> problems, string key, TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
            problems.Add($"{key} must be positive (got {value}).");
    }
}
