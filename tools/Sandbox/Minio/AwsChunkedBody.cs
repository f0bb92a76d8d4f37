using System.Globalization;
using System.Text;

namespace Mlops.Sandbox.Minio;

/// <summary>The <c>aws-chunked</c> body of a <c>STREAMING-AWS4-HMAC-SHA256-PAYLOAD</c> upload, decoded and verified chunk by chunk.</summary>
public static class AwsChunkedBody
{
    /// <summary>
    /// The data of <paramref name="body"/>; throws SignatureDoesNotMatch when a chunk signature (chained from
    /// <paramref name="seedSignature"/>) is wrong and IncompleteBody when the framing is broken.
    /// </summary>
    public static byte[] Decode(ReadOnlySpan<byte> body, byte[] signingKey, string amzDate, string scope, string seedSignature)
    {
        var data = new MemoryStream();
        var previous = seedSignature;
        var position = 0;
        while (true)
        {
            var lineEnd = body[position..].IndexOf("\r\n"u8);
            if (lineEnd < 0)
                throw Incomplete();
            var header = Encoding.ASCII.GetString(body.Slice(position, lineEnd));
            position += lineEnd + 2;
            var separator = header.IndexOf(";chunk-signature=", StringComparison.Ordinal);
            if (separator < 0 || !int.TryParse(header[..separator], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var size) || size < 0)
                throw Incomplete();
            var signature = header[(separator + ";chunk-signature=".Length)..];
            if (position + size + 2 > body.Length)
                throw Incomplete();
            var chunk = body.Slice(position, size);
            var expected = SigV4.Sign(signingKey, SigV4.ChunkStringToSign(amzDate, scope, previous, chunk));
            if (!SigV4.SameSignature(expected, signature))
                throw S3Authenticator.SignatureDoesNotMatch();
            data.Write(chunk);
            position += size;
            if (!body.Slice(position, 2).SequenceEqual("\r\n"u8))
                throw Incomplete();
            position += 2;
            previous = expected;
            if (size == 0)
                return data.ToArray();
        }
    }

    /// <summary>Encodes <paramref name="data"/> as a signed aws-chunked body, as the Minio Go and Java SDKs send it.</summary>
    public static byte[] Encode(ReadOnlySpan<byte> data, int chunkSize, byte[] signingKey, string amzDate, string scope, string seedSignature)
    {
        var body = new MemoryStream();
        var previous = seedSignature;
        var offset = 0;
        while (true)
        {
            var chunk = data.Slice(offset, Math.Min(chunkSize, data.Length - offset));
            var signature = SigV4.Sign(signingKey, SigV4.ChunkStringToSign(amzDate, scope, previous, chunk));
            body.Write(Encoding.ASCII.GetBytes($"{chunk.Length:x};chunk-signature={signature}\r\n"));
            body.Write(chunk);
            body.Write("\r\n"u8);
            previous = signature;
            offset += chunk.Length;
            if (chunk.Length == 0)
                return body.ToArray();
        }
    }

    private static S3Exception Incomplete() =>
        new(400, "IncompleteBody", "You did not provide the number of bytes specified by the Content-Length HTTP header.");
}
