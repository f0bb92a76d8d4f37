using System.Globalization;
using System.Text;
using System.Xml.Linq;

namespace Mlops.Sandbox.Minio;

/// <summary>
/// Turns s3rver's XML answers into MinIO's: S3's namespace (s3rver writes a misspelt one that namespace-aware clients,
/// such as the Minio .NET SDK, do not match, so they read an empty listing), and for object listings the
/// <c>encoding-type=url</c> escaping, <c>EncodingType</c>, <c>KeyCount</c> and key order that s3rver leaves out.
/// </summary>
public static class S3rverXmlAnswer
{
    public static readonly XNamespace S3 = "http://s3.amazonaws.com/doc/2006-03-01/";
    private static readonly XNamespace Misspelt = "http://doc.s3.amazonaws.com/2006-03-01/";

    // What S3 and MinIO escape in a listing with encoding-type=url: keys, prefixes, delimiter and markers.
    private static readonly string[] EncodedFields = ["Prefix", "Delimiter", "Marker", "NextMarker", "StartAfter"];

    private static readonly Comparer<byte[]> ByteOrder = Comparer<byte[]>.Create((a, b) => a.AsSpan().SequenceCompareTo(b));

    /// <summary>Whether an answer is one s3rver wrote itself (so it may be rewritten) rather than object content.</summary>
    public static bool IsS3rverDocument(XDocument document) => document.Root?.Name.Namespace == Misspelt;

    /// <summary>The MinIO form of s3rver's answer; <paramref name="encodingType"/> is the request's <c>encoding-type</c>.</summary>
    public static XDocument Rewrite(XDocument document, string? encodingType)
    {
        foreach (var element in document.Descendants().Where(e => e.Name.Namespace == Misspelt))
        {
            element.Name = S3 + element.Name.LocalName;
            element.Attributes().Where(a => a.IsNamespaceDeclaration && a.Value == Misspelt.NamespaceName).Remove();
        }
        var root = document.Root!;
        if (root.Name == S3 + "ListBucketResult")
            RewriteListing(root, string.Equals(encodingType, "url", StringComparison.OrdinalIgnoreCase));
        return document;
    }

    private static void RewriteListing(XElement root, bool urlEncoded)
    {
        // S3 lists keys in UTF-8 binary order; s3rver walks its folders, which puts "a/b" before "a-b".
        var contents = root.Elements(S3 + "Contents").OrderBy(c => Utf8(c.Element(S3 + "Key")?.Value), ByteOrder).ToList();
        var prefixes = root.Elements(S3 + "CommonPrefixes").OrderBy(c => Utf8(c.Element(S3 + "Prefix")?.Value), ByteOrder).ToList();
        root.Elements(S3 + "Contents").Remove();
        root.Elements(S3 + "CommonPrefixes").Remove();
        root.Add(contents);
        root.Add(prefixes);
        // S3 counts common prefixes as keys too; s3rver counts only objects.
        if (root.Element(S3 + "KeyCount") is { } keyCount)
            keyCount.Value = (contents.Count + prefixes.Count).ToString(CultureInfo.InvariantCulture);
        if (!urlEncoded)
            return;
        foreach (var field in EncodedFields)
        {
            if (root.Element(S3 + field) is { } element)
                element.Value = UrlEncode(element.Value);
        }
        foreach (var key in contents.Select(c => c.Element(S3 + "Key")).Concat(prefixes.Select(p => p.Element(S3 + "Prefix"))).OfType<XElement>())
            key.Value = UrlEncode(key.Value);
        root.Add(new XElement(S3 + "EncodingType", "url"));
    }

    /// <summary>
    /// MinIO's escaping for <c>encoding-type=url</c>: Go's query escaping (a space becomes <c>+</c>, other bytes
    /// <c>%XX</c>) except that <c>/</c> and <c>*</c> stay as they are.
    /// </summary>
    public static string UrlEncode(string value)
    {
        var text = new StringBuilder(value.Length);
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            if (b is (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'a' and <= (byte)'z') or (>= (byte)'0' and <= (byte)'9')
                or (byte)'-' or (byte)'_' or (byte)'.' or (byte)'/' or (byte)'*')
                text.Append((char)b);
            else if (b == (byte)' ')
                text.Append('+');
            else
                text.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
        }
        return text.ToString();
    }

    private static byte[] Utf8(string? value) => Encoding.UTF8.GetBytes(value ?? "");
}
