namespace Mlops.Sandbox.Minio;

/// <summary>Who sent an S3 request, once its signature is verified: a user, or nobody (anonymous).</summary>
public sealed record S3Caller(S3User? User, string SignatureVersion)
{
    public static readonly S3Caller Anonymous = new(null, "none");

    public string PrincipalId => User?.AccessKey ?? "";
}
