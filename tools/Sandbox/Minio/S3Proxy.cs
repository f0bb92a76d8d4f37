using System.Net;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using Yarp.ReverseProxy.Forwarder;

namespace Mlops.Sandbox.Minio;

/// <summary>
/// The MinIO stand-in's front door: verifies every request's signature as MinIO does (anonymous requests are refused:
/// every bucket is private), answers MinIO's health checks and bucket-notification API itself and forwards every other
/// S3 request to s3rver, which then only stores. After a successful object create (PUT, Copy, CompleteMultipartUpload)
/// or a delete of an object that existed it queues the event MinIO would send, before the client sees the answer.
/// </summary>
public sealed class S3Proxy : IDisposable
{
    private static readonly HashSet<string> ListingParameters = new(StringComparer.Ordinal)
    {
        "list-type", "prefix", "delimiter", "encoding-type", "max-keys", "marker", "start-after", "continuation-token", "fetch-owner",
    };

    private readonly IHttpForwarder _forwarder;
    private readonly Uri _s3rver;
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
    private readonly S3Authenticator _authenticator;
    private readonly Func<string, S3User?> _users;

    /// <param name="users">The user an access key belongs to on the current server, or null.</param>
    public S3Proxy(IHttpForwarder forwarder, Uri s3rver, MinioOptions options, BucketNotifications notifications, Func<string, S3User?> users, TimeProvider time)
    {
        _forwarder = forwarder;
        _s3rver = s3rver;
        _notifications = notifications;
        _users = users;
        _time = time;
        _authenticator = new S3Authenticator(time, options.Region);
        _lookups = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = s3rver };
    }

    public async Task InvokeAsync(HttpContext http)
    {
        var requestId = MinioEventMessage.Hex(_time.GetUtcNow());
        var (bucket, key) = S3RequestPath.Parse(http);
        try
        {
            if (HealthCheck(http))
                return;
            var caller = await _authenticator.AuthenticateAsync(http, _users, http.RequestAborted);
            Authorize(http, caller);
            if (bucket.Length > 0 && key.Length == 0 && http.Request.Query.ContainsKey("notification")
                && (HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsPut(http.Request.Method)))
            {
                await NotificationApiAsync(http, bucket, requestId);
                return;
            }
            if (IsListing(http, bucket, key) && http.Request.Query.TryGetValue("encoding-type", out var encoding)
                && encoding.ToString().Length > 0 && !string.Equals(encoding, "url", StringComparison.OrdinalIgnoreCase))
                throw new S3Exception(400, "InvalidArgument", "Invalid Encoding Method specified in Request");
            var deletedKeys = IsMultiDelete(http, bucket, key) ? await ExistingAsync(bucket, await DeletedKeysAsync(http), http.RequestAborted) : [];
            var deletesObject = HttpMethods.IsDelete(http.Request.Method) && key.Length > 0 && !http.Request.Query.ContainsKey("uploadId")
                && (await ExistingAsync(bucket, [key], http.RequestAborted)).Count > 0;
            var transformer = new EventTransformer(this, bucket, key, requestId, caller, deletedKeys, deletesObject);
            var error = await _forwarder.SendAsync(http, _s3rver.ToString(), _invoker, ForwarderRequestConfig.Empty, transformer);
            if (error != ForwarderError.None && !http.Response.HasStarted)
                throw new S3Exception(503, "ServiceUnavailable",
                    $"The storage backend did not answer ({error}: {http.Features.Get<IForwarderErrorFeature>()?.Exception?.Message}).");
        }
        catch (S3Exception ex)
        {
            await ex.WriteAsync(http, bucket, requestId);
        }
    }

    // MinIO answers its health checks without authentication (Kubernetes probes and load balancers call them).
    private static bool HealthCheck(HttpContext http)
    {
        var path = http.Request.Path.Value ?? "";
        if (!path.StartsWith("/minio/health/", StringComparison.Ordinal) || !(HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method)))
            return false;
        http.Response.StatusCode = path is "/minio/health/live" or "/minio/health/ready" or "/minio/health/cluster" or "/minio/health/cluster/read" ? 200 : 404;
        return true;
    }

    // Every bucket is private, as MinIO creates them: nothing for anonymous callers, and only reads for read-only users.
    private static void Authorize(HttpContext http, S3Caller caller)
    {
        if (caller.User is null)
            throw S3Authenticator.AccessDenied();
        var method = http.Request.Method;
        if (caller.User.ReadOnly && !(HttpMethods.IsGet(method) || HttpMethods.IsHead(method)))
            throw S3Authenticator.AccessDenied();
        http.Items[typeof(S3Caller)] = caller;
    }

    private async Task NotificationApiAsync(HttpContext http, string bucket, string requestId)
    {
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

    // MinIO announces a delete only for an object that was there.
    private async Task<IReadOnlyList<string>> ExistingAsync(string bucket, IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        var existing = new List<string>();
        foreach (var candidate in keys)
        {
            using var head = await _lookups.SendAsync(new HttpRequestMessage(HttpMethod.Head, ObjectPath(bucket, candidate)), cancellationToken);
            if (head.IsSuccessStatusCode)
                existing.Add(candidate);
        }
        return existing;
    }

    private static string ObjectPath(string bucket, string key) =>
        string.Join('/', new[] { bucket }.Concat(key.Split('/')).Select(Uri.EscapeDataString));

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
        using var head = await _lookups.SendAsync(new HttpRequestMessage(HttpMethod.Head, ObjectPath(change.Bucket, change.Key)));
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

    /// <summary>
    /// Sends the verified request on to s3rver without its signature, copies s3rver's answer and, when the operation
    /// succeeded, queues its events before the answer is sent.
    /// </summary>
    private sealed class EventTransformer(S3Proxy proxy, string bucket, string key, string requestId, S3Caller caller, IReadOnlyList<string> deletedKeys, bool deletesObject) : HttpTransformer
    {
        // s3rver accepts any signature of a key it knows; the proxy has verified the real one already.
        public override async ValueTask TransformRequestAsync(HttpContext http, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
        {
            await base.TransformRequestAsync(http, proxyRequest, destinationPrefix, cancellationToken);
            proxyRequest.Headers.Remove("Authorization");
            proxyRequest.Headers.Remove("x-amz-date");
            proxyRequest.Headers.TryAddWithoutValidation("Authorization", "AWS S3RVER:verified-by-the-minio-stand-in");
            proxyRequest.Headers.Date = proxy._time.GetUtcNow();
            var query = S3RawRequest.EncodedQuery(http).Split('&', StringSplitOptions.RemoveEmptyEntries)
                .Where(p => !S3Authenticator.IsSignatureParameter(S3RawRequest.Unescape(p.Split('=', 2)[0])));
            var forwardedQuery = string.Join('&', query);
            proxyRequest.RequestUri = RequestUtilities.MakeDestinationAddress(destinationPrefix, http.Request.Path,
                forwardedQuery.Length > 0 ? new QueryString("?" + forwardedQuery) : QueryString.Empty);
        }

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
            else if (deletesObject)
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
            PrincipalId = caller.PrincipalId,
            SourceIp = http.Connection.RemoteIpAddress?.ToString() ?? "",
            UserAgent = http.Request.Headers.UserAgent.ToString(),
            RequestId = requestId,
            Endpoint = $"{http.Request.Scheme}://{http.Request.Host}",
            Time = proxy._time.GetUtcNow(),
        };
    }
}
