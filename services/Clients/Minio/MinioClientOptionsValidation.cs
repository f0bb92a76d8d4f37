using Microsoft.Extensions.Options;

namespace Mlops.Clients.Minio;

/// <summary>Checks the <c>Minio</c> section at start; every message names the setting to fix and none repeats the secret.</summary>
public sealed class MinioClientOptionsValidation : IValidateOptions<MinioClientOptions>
{
    public ValidateOptionsResult Validate(string? name, MinioClientOptions options)
    {
        var problems = new List<string>();
        const string s = MinioClientOptions.Section;
        if (options.Endpoint is null)
            problems.Add($"{s}:Endpoint is required: the S3 API URL, e.g. http://minio.minio.svc.cluster.local:9000.");
        else if (!options.Endpoint.IsAbsoluteUri || (options.Endpoint.Scheme != Uri.UriSchemeHttp && options.Endpoint.Scheme != Uri.UriSchemeHttps))
            problems.Add($"{s}:Endpoint must be an absolute http or https URL (got '{options.Endpoint}').");
        else if (options.Endpoint.AbsolutePath != "/" || !string.IsNullOrEmpty(options.Endpoint.Query) || !string.IsNullOrEmpty(options.Endpoint.UserInfo))
            problems.Add($"{s}:Endpoint must be scheme, host and port only (got a path, query or credentials in it).");
        if (string.IsNullOrWhiteSpace(options.AccessKey))
            problems.Add($"{s}:AccessKey is required.");
        if (string.IsNullOrEmpty(options.SecretKey))
            problems.Add($"{s}:SecretKey is required.");
        if (string.IsNullOrWhiteSpace(options.Region))
            problems.Add($"{s}:Region must not be empty (MinIO's default is us-east-1).");
        if (options.Timeout <= TimeSpan.Zero)
            problems.Add($"{s}:Timeout must be positive (got {options.Timeout}).");
        problems.AddRange(options.Resilience.Problems(s));
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
