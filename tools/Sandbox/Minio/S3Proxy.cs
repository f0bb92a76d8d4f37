using System.Net;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using Yarp.ReverseProxy.Forwarder;

namespace Mlops.Sandbox.Minio;

/// <summary>
/// The MinIO stand-in's front door: answers MinIO's bucket-notification API itself and forwards every other S3
/// request to s3rver. After a successful object create (PUT, Copy, CompleteMultipartUpload) or delete it queues the
/// event MinIO would send, before the client sees the answer.
/// </summary>
public sealed class S3Proxy : IDisposable
{
    private static readonly HashSet<string> ListingParameters = new(StringComparer.Ordinal)
    {
        "list-type", "prefix", "delimiter", "encoding-type", "max-keys", "marker", "start-after", "continuation-token", "fetch-owner",
    };

    private readonly IHttpForwarder _forwarder;
    private readonly Uri _s3rver;
    private readonly MinioOptions _options;
    private readonly BucketNotifications _notifications;
    private readonly TimeProvider _time;
    private readonly HttpMessageInvoker _invoker = new(new SocketsHttpHandler
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.None,
        UseCookies = false,
    });
    private readonly HttpClient _lookups;

    public S3Proxy(IHttpForwarder forwarder, Uri s3rver, MinioOptions options, BucketNotifications notifications, TimeProvider time)
    {
        _forwarder = forwarder;
        _s3rver = s3rver;
        _options = options;
        _notifications = notifications;
        _time = time;
        _lookups = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = s3rver };
    }

    public async Task InvokeAsync(HttpContext http)
    {
        var requestId = MinioEventMessage.Hex(_time.GetUtcNow());
        var (bucket, key) = S3RequestPath.Parse(http);
        try
        {
            if (bucket.Length > 0 && key.Length == 0 && http.Request.Query.ContainsKey("notification")
                && (HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsPut(http.Request.Method)))
            {
                await NotificationApiAsync(http, bucket, requestId);
                return;
            }
            if (IsListing(http, bucket, key) && http.Request.Query.TryGetValue("encoding-type", out var encoding)
                && encoding.ToString().Length > 0 && !string.Equals(encoding, "url", StringComparison.OrdinalIgnoreCase))
                throw new S3Exception(400, "InvalidArgument", "Invalid Encoding Method specified in Request");
            var deletedKeys = IsMultiDelete(http, bucket, key) ? await DeletedKeysAsync(http) : [];
            var transformer = new EventTransformer(this, bucket, key, requestId, deletedKeys);
            var error = await _forwarder.SendAsync(http, _s3rver.ToString(), _invoker, ForwarderRequestConfig.Empty, transformer);
            if (error != ForwarderError.None && !http.Response.HasStarted)
                throw new S3Exception(503, "ServiceUnavailable", $"The storage backend did not answer ({error}).");
        }
        catch (S3Exception ex)
        {
            await ex.WriteAsync(http, bucket, requestId);
        }
    }

    private async Task NotificationApiAsync(HttpContext http, string bucket, string requestId)
    {
        RequireCredentials(http);
        using (var head = await _lookups.SendAsync(new HttpRequestMessage(HttpMethod.Head, Uri.EscapeDataString(bucket)), http.RequestAborted))
        {
            if (head.StatusCode == HttpStatusCode.NotFound)
                throw S3Exception.NoSuchBucket();
        }
        http.Response.Headers["x-amz-request-id"] = requestId;
        if (HttpMethods.IsGet(http.Request.Method))
        {
            http.Response.ContentType = "application/xml";
            await http.Response.WriteAsync("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + NotificationXml.Write(_notifications.Get(bucket)));
            return;
        }
        if ((http.Request.ContentLength ?? 0) <= 0)
            throw new S3Exception(411, "MissingContentLength", "You must provide the Content-Length HTTP header.");
        using var reader = new StreamReader(http.Request.Body);
        var xml = await reader.ReadToEndAsync(http.RequestAborted);
        _notifications.Set(bucket, NotificationXml.Parse(xml, _notifications.Arns));
        http.Response.StatusCode = 200;
    }

    // MinIO checks the signature; s3rver and this proxy only check that the access key is the configured one.
    private void RequireCredentials(HttpContext http)
    {
        var accessKey = AccessKeyOf(http.Request);
        if (accessKey.Length == 0)
            throw new S3Exception(403, "AccessDenied", "Access Denied.");
        if (accessKey != _options.RootUser)
            throw new S3Exception(403, "InvalidAccessKeyId", "The Access Key Id you provided does not exist in our records.");
    }

    /// <summary>The access key a request was signed with (SigV4 or V2 header, or a presigned URL).</summary>
    public static string AccessKeyOf(HttpRequest request)
    {
        var authorization = request.Headers.Authorization.ToString();
        var credential = authorization.IndexOf("Credential=", StringComparison.Ordinal);
        if (credential >= 0)
            return authorization[(credential + "Credential=".Length)..].Split('/')[0];
        if (authorization.StartsWith("AWS ", StringComparison.Ordinal))
            return authorization[4..].Split(':')[0];
        if (request.Query.TryGetValue("X-Amz-Credential", out var presigned))
            return presigned.ToString().Split('/')[0];
        return request.Query.TryGetValue("AWSAccessKeyId", out var v2) ? v2.ToString() : "";
    }

    // A bucket GET without a subresource lists objects (ListObjects, or ListObjectsV2 with list-type=2).
    private static bool IsListing(HttpContext http, string bucket, string key) =>
        HttpMethods.IsGet(http.Request.Method) && bucket.Length > 0 && key.Length == 0
        && http.Request.Query.Keys.All(k => ListingParameters.Contains(k) || k.StartsWith("X-Amz-", StringComparison.Ordinal));

    private static bool IsMultiDelete(HttpContext http, string bucket, string key) =>
        HttpMethods.IsPost(http.Request.Method) && bucket.Length > 0 && key.Length == 0 && http.Request.Query.ContainsKey("delete");

    // The keys of a multi-object delete are in the request; the body is buffered so it can still be forwarded.
    private static async Task<IReadOnlyList<string>> DeletedKeysAsync(HttpContext http)
    {
        http.Request.EnableBuffering();
        using var reader = new StreamReader(http.Request.Body, leaveOpen: true);
        var xml = await reader.ReadToEndAsync(http.RequestAborted);
        http.Request.Body.Position = 0;
        try
        {
            return XDocument.Parse(xml).Descendants().Where(e => e.Name.LocalName == "Key").Select(e => e.Value).ToList();
        }
        catch (XmlException)
        {
            return [];
        }
    }

    private async Task<IReadOnlyList<ObjectChange>> CreatedAsync(ObjectChange change)
    {
        var path = string.Join('/', new[] { change.Bucket }.Concat(change.Key.Split('/')).Select(Uri.EscapeDataString));
        using var head = await _lookups.SendAsync(new HttpRequestMessage(HttpMethod.Head, path));
        if (!head.IsSuccessStatusCode)
            return [];
        var contentType = head.Content.Headers.ContentType?.ToString() ?? "";
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        if (contentType.Length > 0)
            metadata["content-type"] = contentType;
        foreach (var (name, values) in head.Headers)
        {
            if (name.StartsWith("x-amz-meta-", StringComparison.OrdinalIgnoreCase))
                metadata["X-Amz-Meta-" + CanonicalSuffix(name["x-amz-meta-".Length..])] = string.Join(',', values);
        }
        return
        [
            change with
            {
                Size = head.Content.Headers.ContentLength ?? 0,
                ETag = head.Headers.ETag?.Tag.Trim('"') ?? "",
                ContentType = contentType,
                UserMetadata = metadata,
            },
        ];
    }

    // Go canonicalises header names: "model-stage" becomes "Model-Stage".
    private static string CanonicalSuffix(string name) =>
        string.Join('-', name.Split('-').Select(p => p.Length == 0 ? p : char.ToUpperInvariant(p[0]) + p[1..].ToLowerInvariant()));

    public void Dispose()
    {
        _invoker.Dispose();
        _lookups.Dispose();
    }

    /// <summary>Copies s3rver's answer and, when the operation succeeded, queues its events before the answer is sent.</summary>
    private sealed class EventTransformer(S3Proxy proxy, string bucket, string key, string requestId, IReadOnlyList<string> deletedKeys) : HttpTransformer
    {
        public override async ValueTask<bool> TransformResponseAsync(HttpContext http, HttpResponseMessage? proxyResponse, CancellationToken cancellationToken)
        {
            var copy = await base.TransformResponseAsync(http, proxyResponse, cancellationToken);
            http.Response.Headers["x-amz-request-id"] = requestId;
            if (proxyResponse is null || !proxyResponse.IsSuccessStatusCode)
                return copy;
            var request = http.Request;
            if (HttpMethods.IsGet(request.Method) && (key.Length == 0 || request.Query.ContainsKey("acl"))
                && proxyResponse.Content.Headers.ContentType?.MediaType == "application/xml")
                return await RewriteAnswerAsync(http, proxyResponse, cancellationToken);
            if (bucket.Length == 0)
                return copy;
            var query = request.Query;
            if (key.Length == 0)
            {
                if (HttpMethods.IsDelete(request.Method) && query.Count == 0)
                    proxy._notifications.Set(bucket, []);
                else if (deletedKeys.Count > 0)
                    proxy._notifications.Enqueue(Task.FromResult<IReadOnlyList<ObjectChange>>(deletedKeys.Select(k => Change(http, MinioEventName.ObjectRemovedDelete, k)).ToList()));
                return copy;
            }
            if (HttpMethods.IsPut(request.Method) && !query.ContainsKey("uploadId") && !query.ContainsKey("partNumber") && query.Count == 0)
            {
                var name = request.Headers.ContainsKey("x-amz-copy-source") ? MinioEventName.ObjectCreatedCopy : MinioEventName.ObjectCreatedPut;
                proxy._notifications.Enqueue(proxy.CreatedAsync(Change(http, name, key)));
            }
            else if (HttpMethods.IsPost(request.Method) && query.ContainsKey("uploadId"))
            {
                proxy._notifications.Enqueue(proxy.CreatedAsync(Change(http, MinioEventName.ObjectCreatedCompleteMultipartUpload, key)));
            }
            else if (HttpMethods.IsDelete(request.Method) && !query.ContainsKey("uploadId"))
            {
                proxy._notifications.Enqueue(Task.FromResult<IReadOnlyList<ObjectChange>>([Change(http, MinioEventName.ObjectRemovedDelete, key)]));
            }
            return copy;
        }

        // s3rver's own XML answers (listings, bucket location, ACLs) are written here in MinIO's form; false tells
        // the forwarder the body has been sent.
        private static async ValueTask<bool> RewriteAnswerAsync(HttpContext http, HttpResponseMessage proxyResponse, CancellationToken cancellationToken)
        {
            var xml = await proxyResponse.Content.ReadAsStringAsync(cancellationToken);
            var document = XDocument.Parse(xml, LoadOptions.PreserveWhitespace);
            if (S3rverXmlAnswer.IsS3rverDocument(document))
            {
                S3rverXmlAnswer.Rewrite(document, http.Request.Query["encoding-type"].ToString());
                xml = document.Declaration + document.ToString(SaveOptions.DisableFormatting);
            }
            var body = Encoding.UTF8.GetBytes(xml);
            http.Response.Headers.Remove("Transfer-Encoding");
            http.Response.ContentLength = body.Length;
            await http.Response.Body.WriteAsync(body, cancellationToken);
            return false;
        }

        private ObjectChange Change(HttpContext http, string eventName, string objectKey) => new()
        {
            EventName = eventName,
            Bucket = bucket,
            Key = objectKey,
            PrincipalId = AccessKeyOf(http.Request),
            SourceIp = http.Connection.RemoteIpAddress?.ToString() ?? "",
            UserAgent = http.Request.Headers.UserAgent.ToString(),
            RequestId = requestId,
            Endpoint = $"{http.Request.Scheme}://{http.Request.Host}",
            Time = proxy._time.GetUtcNow(),
        };
    }
}
