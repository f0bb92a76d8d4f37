using System.Security;

namespace Mlops.Sandbox.Minio;

/// <summary>An S3 error answered as MinIO does: an <c>&lt;Error&gt;</c> document with code, message, resource and request id.</summary>
public sealed class S3Exception : Exception
{
    public S3Exception(int statusCode, string code, string message)
        : base(message)
    {
        StatusCode = statusCode;
        Code = code;
    }

    public S3Exception()
        : this(500, "InternalError", "We encountered an internal error, please try again.")
    {
    }

    public S3Exception(string message)
        : this(500, "InternalError", message)
    {
    }

    public S3Exception(string message, Exception innerException)
        : base(message, innerException)
    {
        StatusCode = 500;
        Code = "InternalError";
    }

    public int StatusCode { get; }

    public string Code { get; }

    public static S3Exception NoSuchBucket() => new(404, "NoSuchBucket", "The specified bucket does not exist");

    public static S3Exception MalformedXml() =>
        new(400, "MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema.");

    public static S3Exception ArnNotFound() =>
        new(400, "InvalidArgument", "A specified destination ARN does not exist or is not well-formed. Verify the destination ARN.");

    public static S3Exception UnsupportedEvent() =>
        new(400, "InvalidArgument", "A specified event is not supported for notifications.");

    public static S3Exception InvalidFilter(string message) => new(400, "InvalidArgument", message);

    public async Task WriteAsync(HttpContext http, string bucket, string requestId)
    {
        http.Response.StatusCode = StatusCode;
        http.Response.ContentType = "application/xml";
        http.Response.Headers["x-amz-request-id"] = requestId;
        // A HEAD answer has no body: clients see only the status (botocore: "An error occurred (403) … Forbidden").
        if (HttpMethods.IsHead(http.Request.Method))
            return;
        await http.Response.WriteAsync(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" +
            $"<Error><Code>{Code}</Code><Message>{SecurityElement.Escape(Message)}</Message>" +
            $"<BucketName>{SecurityElement.Escape(bucket)}</BucketName><Resource>{SecurityElement.Escape(http.Request.Path.Value)}</Resource>" +
            $"<RequestId>{requestId}</RequestId><HostId>dd9025bab4ad464b049177c95eb6ebf374d3b3fd1af9251148b658df7ac2e3e8</HostId></Error>");
    }
}
