namespace Mlops.Clients.Minio;

/// <summary>An object is larger than the caller's bound, so it is not read into memory.</summary>
public sealed class MinioObjectTooLargeException : Exception
{
    public MinioObjectTooLargeException()
    {
    }

    public MinioObjectTooLargeException(string message)
        : base(message)
    {
    }

    public MinioObjectTooLargeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public MinioObjectTooLargeException(string bucket, string key, long size, long limit)
        : base($"s3://{bucket}/{key} has {(size >= 0 ? size.ToString(System.Globalization.CultureInfo.InvariantCulture) : "more than " + limit.ToString(System.Globalization.CultureInfo.InvariantCulture))} bytes; at most {limit} are read.")
    {
    }
}
