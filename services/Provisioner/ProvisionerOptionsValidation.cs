using Microsoft.Extensions.Options;
using Mlops.Provisioner.Stacks;

namespace Mlops.Provisioner;

/// <summary>Checks the <c>Provisioner</c> section at start; every message names the setting to fix.</summary>
public sealed class ProvisionerOptionsValidation : IValidateOptions<ProvisionerOptions>
{
    private static readonly TimeSpan Day = TimeSpan.FromDays(1);

    public ValidateOptionsResult Validate(string? name, ProvisionerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        const string s = ProvisionerOptions.Section;
        var problems = new List<string>();
        foreach (var (ns, i) in (options.Namespaces ?? []).Select((n, i) => (n, i)))
        {
            if (NamingRules.DnsLabel(ns ?? "") is { } problem)
                problems.Add($"{s}:Namespaces:{i} '{ns}' {problem}.");
        }
        if (options.PromoterWebhookUrl is { } url && NamingRules.ServerUrl(url.IsAbsoluteUri ? url.AbsoluteUri : url.OriginalString) is { } urlProblem)
            problems.Add($"{s}:PromoterWebhookUrl {urlProblem}.");
        if (options.ReconcileInterval < TimeSpan.Zero || options.ReconcileInterval > Day)
            problems.Add($"{s}:ReconcileInterval must be between 00:00:00 (off) and a day (got {options.ReconcileInterval}).");
        Positive(nameof(options.SecretTimeout), options.SecretTimeout);
        Positive(nameof(options.RolloutTimeout), options.RolloutTimeout);
        Positive(nameof(options.StepDeadline), options.StepDeadline);
        if (options.StackFile is { Length: > 0 } file && !File.Exists(file))
            problems.Add($"{s}:StackFile names '{file}', which does not exist.");
        if (options.ManifestsDirectory is { Length: > 0 } folder && !Directory.Exists(folder))
            problems.Add($"{s}:ManifestsDirectory names '{folder}', which is not a folder.");
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);

        void Positive(string key, TimeSpan value)
        {
            if (value <= TimeSpan.Zero || value > Day)
                problems.Add($"{s}:{key} must be more than zero and at most a day (got {value}).");
        }
    }
}
