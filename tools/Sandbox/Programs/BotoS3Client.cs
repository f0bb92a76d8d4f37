using System.Globalization;
using System.Net;
using System.Text;
using System.Xml.Linq;
using Mlops.Sandbox.Cluster;
using Mlops.Sandbox.Minio;

namespace Mlops.Sandbox.Programs;

/// <summary>
/// S3 as botocore calls it from a pod: the endpoint of <c>MLFLOW_S3_ENDPOINT_URL</c> (or <c>AWS_ENDPOINT_URL_S3</c>,
/// <c>AWS_ENDPOINT_URL</c>) reached through the cluster's addresses, path-style requests signed with SigV4 (payload
/// hash included, as botocore signs over http) with the environment's AWS keys, and failures worded as botocore words
/// them (<c>ClientError: An error occurred (Code) when calling the Op operation: message</c>).
/// </summary>
public sealed class BotoS3Client
{
    private readonly Uri _endpoint;
    private readonly string _accessKey;
    private readonly string _secretKey;
    private readonly string _region;
    private readonly ClusterAddresses _cluster;
    private readonly string? _podNamespace;
    private readonly TimeProvider _time;

    private static readonly string[] s_endpointSettings = ["MLFLOW_S3_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL"];

    private BotoS3Client(Uri endpoint, string accessKey, string secretKey, string region, ClusterAddresses cluster, string? podNamespace, TimeProvider time)
    {
        _endpoint = endpoint;
        _accessKey = accessKey;
        _secretKey = secretKey;
        _region = region;
        _cluster = cluster;
        _podNamespace = podNamespace;
        _time = time;
    }

    /// <summary>The client a process with <paramref name="env"/> gets; throws botocore's NoCredentialsError when keys are missing.</summary>
    public static BotoS3Client From(IReadOnlyDictionary<string, string> env, ClusterAddresses cluster, string? podNamespace, TimeProvider? time = null)
    {
        var endpointText = s_endpointSettings.Select(env.GetValueOrDefault).FirstOrDefault(v => !string.IsNullOrEmpty(v));
        var region = env.GetValueOrDefault("AWS_DEFAULT_REGION") is { Length: > 0 } r ? r : env.GetValueOrDefault("AWS_REGION") is { Length: > 0 } r2 ? r2 : "us-east-1";
        // Without an endpoint botocore calls AWS itself, which a sandbox pod cannot reach.
        var endpoint = endpointText is not null && Uri.TryCreate(endpointText, UriKind.Absolute, out var uri) ? uri : new Uri($"https://s3.{region}.amazonaws.com");
        if (env.GetValueOrDefault("AWS_ACCESS_KEY_ID") is not { Length: > 0 } accessKey || env.GetValueOrDefault("AWS_SECRET_ACCESS_KEY") is not { Length: > 0 } secretKey)
            throw ProgramExitException.Python(PythonErrors.NoCredentials, "botocore/auth.py", "add_auth");
        return new BotoS3Client(endpoint, accessKey, secretKey, region, cluster, podNamespace, time ?? TimeProvider.System);
    }

    /// <summary>ListObjectsV2: the keys under <paramref name="prefix"/> (all pages).</summary>
    public async Task<IReadOnlyList<string>> ListAsync(string bucket, string prefix, CancellationToken cancellationToken)
    {
        var keys = new List<string>();
        string? token = null;
        do
        {
            var query = new List<KeyValuePair<string, string>> { new("list-type", "2"), new("prefix", prefix), new("encoding-type", "url") };
            if (token is not null)
                query.Add(new("continuation-token", token));
            var (_, body, _) = await SendAsync(HttpMethod.Get, bucket, "", query, [], null, "ListObjectsV2", cancellationToken);
            var document = XDocument.Parse(Encoding.UTF8.GetString(body));
            keys.AddRange(document.Descendants().Where(e => e.Name.LocalName == "Key").Select(e => Uri.UnescapeDataString(e.Value.Replace('+', ' '))));
            token = document.Descendants().FirstOrDefault(e => e.Name.LocalName == "NextContinuationToken")?.Value;
        }
        while (token is not null);
        return keys;
    }

    public async Task HeadAsync(string bucket, string key, CancellationToken cancellationToken) =>
        await SendAsync(HttpMethod.Head, bucket, key, [], [], null, "HeadObject", cancellationToken);

    public async Task<byte[]> GetAsync(string bucket, string key, CancellationToken cancellationToken) =>
        (await SendAsync(HttpMethod.Get, bucket, key, [], [], null, "GetObject", cancellationToken)).Body;

    public async Task PutAsync(string bucket, string key, byte[] content, string contentType, CancellationToken cancellationToken) =>
        await SendAsync(HttpMethod.Put, bucket, key, [], [new("Content-Type", contentType)], content, "PutObject", cancellationToken);

    /// <summary>An upload in <paramref name="parts"/> parts (CreateMultipartUpload, UploadPart…, CompleteMultipartUpload), as s3transfer sends a large file.</summary>
    public async Task PutInPartsAsync(string bucket, string key, byte[] content, int parts, string contentType, CancellationToken cancellationToken)
    {
        var (_, created, _) = await SendAsync(HttpMethod.Post, bucket, key, [new("uploads", "")], [new("Content-Type", contentType)], null, "CreateMultipartUpload", cancellationToken);
        var uploadId = XDocument.Parse(Encoding.UTF8.GetString(created)).Descendants().First(e => e.Name.LocalName == "UploadId").Value;
        var size = (int)Math.Ceiling(content.Length / (double)parts);
        var etags = new List<string>();
        for (var part = 1; part <= parts; part++)
        {
            var slice = content.AsSpan(Math.Min(content.Length, (part - 1) * size), Math.Max(0, Math.Min(size, content.Length - ((part - 1) * size)))).ToArray();
            var (_, _, headers) = await SendAsync(HttpMethod.Put, bucket, key,
                [new("partNumber", part.ToString(CultureInfo.InvariantCulture)), new("uploadId", uploadId)], [], slice, "UploadPart", cancellationToken);
            etags.Add(headers.ETag?.Tag ?? "");
        }
        var complete = new XElement("CompleteMultipartUpload",
            etags.Select((etag, i) => new XElement("Part", new XElement("ETag", etag), new XElement("PartNumber", i + 1))));
        await SendAsync(HttpMethod.Post, bucket, key, [new("uploadId", uploadId)], [new("Content-Type", "application/xml")],
            Encoding.UTF8.GetBytes(complete.ToString(SaveOptions.DisableFormatting)), "CompleteMultipartUpload", cancellationToken);
    }

    /// <summary>Attempts botocore makes in its default (legacy) retry mode, the first included.</summary>
    public const int MaxAttempts = 5;

    // botocore's legacy mode retries throttling (429, SlowDown), 500, 502, 503, 504, connection errors and read timeouts, sleeping a
    // random share of 2^(attempt - 1) seconds between attempts; what is still failing after the last one is raised.
    private async Task<(HttpStatusCode Status, byte[] Body, System.Net.Http.Headers.HttpResponseHeaders Headers)> SendAsync(
        HttpMethod method, string bucket, string key, IReadOnlyList<KeyValuePair<string, string>> query,
        IReadOnlyList<KeyValuePair<string, string>> headers, byte[]? content, string operation, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var (answer, failure, retryable) = await SendOnceAsync(method, bucket, key, query, headers, content, operation, cancellationToken);
            if (failure is null)
                return answer;
            if (!retryable || attempt == MaxAttempts)
                throw failure;
            await Task.Delay(TimeSpan.FromSeconds(Random.Shared.NextDouble() * Math.Pow(2, attempt - 1)), _time, cancellationToken);
        }
    }

    private async Task<((HttpStatusCode Status, byte[] Body, System.Net.Http.Headers.HttpResponseHeaders Headers) Answer, ProgramExitException? Failure, bool Retryable)> SendOnceAsync(
        HttpMethod method, string bucket, string key, IReadOnlyList<KeyValuePair<string, string>> query,
        IReadOnlyList<KeyValuePair<string, string>> headers, byte[]? content, string operation, CancellationToken cancellationToken)
    {
        var path = "/" + bucket + (key.Length > 0 ? "/" + key : "");
        var canonicalQuery = SigV4.CanonicalQuery(query);
        var basePath = _endpoint.AbsolutePath.TrimEnd('/');
        var url = new Uri($"{_endpoint.Scheme}://{_endpoint.Authority}{basePath}{SigV4.UriEncode(path, keepSlash: true)}{(canonicalQuery.Length > 0 ? "?" + canonicalQuery : "")}");
        // A name that does not resolve and a Service without ready endpoints are both EndpointConnectionError, which
        // botocore retries like any connection error (a MinIO pod that is briefly not ready is waited out).
        var route = _cluster.Resolve(url, _podNamespace);
        if (!route.Reached)
            return (default, ProgramExitException.Python(PythonErrors.EndpointConnection(url), "botocore/httpsession.py", "send"), true);
        var target = route.Rewrite(url);

        using var request = new HttpRequestMessage(method, target);
        var payload = content ?? [];
        var payloadHash = SigV4.Sha256Hex(payload);
        var amzDate = _time.GetUtcNow().UtcDateTime.ToString(SigV4.DateFormat, CultureInfo.InvariantCulture);
        var host = target.IsDefaultPort ? target.Host : $"{target.Host}:{target.Port}";
        var signed = new List<KeyValuePair<string, string>>
        {
            new("host", host),
            new("x-amz-content-sha256", payloadHash),
            new("x-amz-date", amzDate),
        };
        var canonical = SigV4.CanonicalRequest(method.Method, Uri.UnescapeDataString(basePath + SigV4.UriEncode(path, keepSlash: true)), canonicalQuery, signed, payloadHash);
        var date = amzDate[..8];
        var signature = SigV4.Sign(SigV4.SigningKey(_secretKey, date, _region), SigV4.StringToSign(amzDate, SigV4.Scope(date, _region), canonical));
        request.Headers.TryAddWithoutValidation("Authorization",
            $"{SigV4.Algorithm} Credential={_accessKey}/{SigV4.Scope(date, _region)}, SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature={signature}");
        request.Headers.TryAddWithoutValidation("x-amz-content-sha256", payloadHash);
        request.Headers.TryAddWithoutValidation("x-amz-date", amzDate);
        request.Headers.UserAgent.ParseAdd("Boto3/1.35.0 botocore/1.35.0");
        if (content is not null)
        {
            request.Content = new ByteArrayContent(content);
            foreach (var (name, value) in headers)
                request.Content.Headers.TryAddWithoutValidation(name, value);
        }

        HttpResponseMessage response;
        try
        {
            response = await ClusterHttp.Client.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException)
        {
            return (default, ProgramExitException.Python(PythonErrors.EndpointConnection(url), "botocore/httpsession.py", "send"), true);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // No answer within the cluster client's timeout (botocore's own read_timeout is 60 s): retried as botocore does.
            return (default, ProgramExitException.Python($"botocore.exceptions.ReadTimeoutError: Read timeout on endpoint URL: \"{url}\"", "botocore/httpsession.py", "send"), true);
        }
        using (response)
        {
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            if (response.IsSuccessStatusCode)
                return ((response.StatusCode, body, response.Headers), null, false);
            var retryable = (int)response.StatusCode is 429 or 500 or 502 or 503 or 504;
            return (default, ProgramExitException.Python(ClientError(operation, response, body), "botocore/client.py", "_make_api_call"), retryable);
        }
    }

    // A HEAD answer has no body: botocore then names the status and its reason phrase.
    private static string ClientError(string operation, HttpResponseMessage response, byte[] body)
    {
        string code, message;
        try
        {
            var error = XDocument.Parse(Encoding.UTF8.GetString(body)).Root;
            code = error?.Elements().FirstOrDefault(e => e.Name.LocalName == "Code")?.Value ?? throw new InvalidDataException();
            message = error.Elements().FirstOrDefault(e => e.Name.LocalName == "Message")?.Value ?? "";
        }
        catch (Exception ex) when (ex is System.Xml.XmlException or InvalidDataException)
        {
            code = ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture);
            message = response.ReasonPhrase ?? "";
        }
        return $"botocore.exceptions.ClientError: An error occurred ({code}) when calling the {operation} operation: {message}";
    }
}
