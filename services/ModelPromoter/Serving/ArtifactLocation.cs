namespace Mlops.ModelPromoter.Serving;

/// <summary>Where a model version's files are in S3: <c>s3://&lt;bucket&gt;/&lt;prefix&gt;</c>, the prefix without slashes at either end.</summary>
public sealed record ArtifactLocation(string Bucket, string Prefix)
{
    /// <summary>The key of a file of the model, e.g. <c>MLmodel</c>.</summary>
    public string KeyOf(string file) => Prefix.Length == 0 ? file : $"{Prefix}/{file}";

    public override string ToString() => $"s3://{Bucket}/{Prefix}";

    /// <exception cref="ServingRefusedException">Not an <c>s3://</c> location, or one that leaves its bucket.</exception>
    public static ArtifactLocation Parse(string location)
    {
        ArgumentNullException.ThrowIfNull(location);
        const string scheme = "s3://";
        if (!location.StartsWith(scheme, StringComparison.Ordinal))
        {
            throw new ServingRefusedException(
                $"the model's files are at '{location}', not in S3 (s3://bucket/path): the promoter reads MLmodel and the input example from S3");
        }
        var rest = location[scheme.Length..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var bucket = slash < 0 ? rest : rest[..slash];
        var prefix = slash < 0 ? "" : rest[(slash + 1)..].Trim('/');
        if (bucket.Length is < 3 or > 63 || bucket.Any(c => !(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '.')))
            throw new ServingRefusedException($"'{location}' does not name an S3 bucket (3-63 lowercase letters, digits, '.' and '-')");
        if (prefix.Split('/').Any(segment => segment is "." or "..") || prefix.Any(char.IsControl) || prefix.Contains("//", StringComparison.Ordinal))
            throw new ServingRefusedException($"'{location}' is not a plain S3 path ('.', '..', empty segments or control characters in it)");
        return new ArtifactLocation(bucket, prefix);
    }
}
