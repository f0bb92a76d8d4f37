using System.Text;
using Mlops.Sandbox.Minio;

namespace Mlops.Sandbox.Storage.Tests;

/// <summary>Streaming SigV4 chunk signatures match the worked example of AWS's documentation (sigv4-streaming), byte for byte.</summary>
public sealed class AwsChunkedBodyTests
{
    // From "Signature Calculations for the Authorization Header: Transferring Payload in Multiple Chunks".
    private const string SecretKey = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    private const string AmzDate = "20130524T000000Z";
    private const string SeedSignature = "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9";
    private static readonly byte[] Object = Encoding.ASCII.GetBytes(new string('a', 66560));

    private static byte[] Key => SigV4.SigningKey(SecretKey, "20130524", "us-east-1");

    private static string Scope => SigV4.Scope("20130524", "us-east-1");

    [Fact]
    public void Should_compute_the_documented_seed_signature()
    {
        var headers = new List<KeyValuePair<string, string>>
        {
            new("content-encoding", "aws-chunked"),
            new("content-length", "66824"),
            new("host", "s3.amazonaws.com"),
            new("x-amz-content-sha256", SigV4.StreamingPayload),
            new("x-amz-date", AmzDate),
            new("x-amz-decoded-content-length", "66560"),
            new("x-amz-storage-class", "REDUCED_REDUNDANCY"),
        };
        var canonical = SigV4.CanonicalRequest("PUT", "/examplebucket/chunkObject.txt", "", headers, SigV4.StreamingPayload);

        Assert.Equal(SeedSignature, SigV4.Sign(Key, SigV4.StringToSign(AmzDate, Scope, canonical)));
    }

    [Fact]
    public void Should_sign_the_chunks_as_documented_and_decode_them_back()
    {
        var body = AwsChunkedBody.Encode(Object, 65536, Key, AmzDate, Scope, SeedSignature);
        var text = Encoding.ASCII.GetString(body);

        Assert.StartsWith("10000;chunk-signature=ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648\r\n", text, StringComparison.Ordinal);
        Assert.Contains("\r\n400;chunk-signature=0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497\r\n", text, StringComparison.Ordinal);
        Assert.EndsWith("\r\n0;chunk-signature=b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9\r\n\r\n", text, StringComparison.Ordinal);
        Assert.Equal(66824, body.Length);
        Assert.Equal(Object, AwsChunkedBody.Decode(body, Key, AmzDate, Scope, SeedSignature));
    }

    [Fact]
    public void Should_refuse_a_chunk_signed_with_another_key()
    {
        var otherKey = SigV4.SigningKey("another-secret", "20130524", "us-east-1");
        var body = AwsChunkedBody.Encode(Object, 65536, otherKey, AmzDate, Scope, SeedSignature);

        var error = Assert.Throws<S3Exception>(() => AwsChunkedBody.Decode(body, Key, AmzDate, Scope, SeedSignature));

        Assert.Equal(("SignatureDoesNotMatch", 403), (error.Code, error.StatusCode));
    }
}
