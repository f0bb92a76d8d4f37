using Microsoft.Extensions.Options;

namespace Mlops.Clients.Mlflow;

/// <summary>Checks the <c>Mlflow</c> section at start; every message names the setting to fix.</summary>
public sealed class MlflowClientOptionsValidation : IValidateOptions<MlflowClientOptions>
{
    public ValidateOptionsResult Validate(string? name, MlflowClientOptions options)
    {
        var problems = new List<string>();
        const string s = MlflowClientOptions.Section;
        if (options.Url is null)
            problems.Add($"{s}:Url is required: the MLflow tracking server, e.g. http://mlflow.mlflow.svc.cluster.local:5000.");
        else if (!options.Url.IsAbsoluteUri || (options.Url.Scheme != Uri.UriSchemeHttp && options.Url.Scheme != Uri.UriSchemeHttps))
            problems.Add($"{s}:Url must be an absolute http or https URL (got '{options.Url}').");
        else if (!string.IsNullOrEmpty(options.Url.UserInfo))
            problems.Add($"{s}:Url must not carry credentials; set {s}:Username and {s}:Password instead.");
        var basic = !string.IsNullOrEmpty(options.Username) || !string.IsNullOrEmpty(options.Password);
        if (basic && (string.IsNullOrEmpty(options.Username) || string.IsNullOrEmpty(options.Password)))
            problems.Add($"{s}:Username and {s}:Password go together: set both or neither.");
        if (basic && !string.IsNullOrEmpty(options.Token))
            problems.Add($"{s}:Token and {s}:Username/{s}:Password are both set: use one way to authenticate.");
        if (options.Timeout <= TimeSpan.Zero)
            problems.Add($"{s}:Timeout must be positive (got {options.Timeout}).");
        problems.AddRange(options.Resilience.Problems(s));
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
