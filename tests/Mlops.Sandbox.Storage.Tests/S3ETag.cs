using System.Security.Cryptography;

namespace Mlops.Sandbox.Storage.Tests;

/// <summary>S3's ETags, which are MD5 by definition: of the content, or of the parts' binary MD5s followed by the part count.</summary>
public static class S3ETag
{
#pragma warning disable CA5351 // S3 defines ETags with MD5; nothing here protects anything with it.
    public static string Of(ReadOnlySpan<byte> content) => $"\"{Convert.ToHexStringLower(MD5.HashData(content))}\"";

    public static string OfParts(byte[] content, int partSize)
    {
        var digests = content.Chunk(partSize).SelectMany(p => MD5.HashData(p)).ToArray();
        return $"\"{Convert.ToHexStringLower(MD5.HashData(digests))}-{content.Chunk(partSize).Count()}\"";
    }
#pragma warning restore CA5351
}
