using System.Xml;
using System.Xml.Linq;

namespace Mlops.Sandbox.Minio;

/// <summary>Reads and writes S3's <c>NotificationConfiguration</c> document, validating it as MinIO does.</summary>
public static class NotificationXml
{
    private static readonly XNamespace s_s3 = "http://s3.amazonaws.com/doc/2006-03-01/";

    /// <summary>Parses a PUT <c>?notification</c> body; ARNs must name a configured target.</summary>
    public static IReadOnlyList<QueueConfiguration> Parse(string xml, IReadOnlySet<string> knownArns)
    {
        XDocument document;
        try
        {
            document = XDocument.Parse(xml);
        }
        catch (XmlException)
        {
            throw S3Exception.MalformedXml();
        }
        var root = document.Root;
        if (root is null || root.Name.LocalName != "NotificationConfiguration")
            throw S3Exception.MalformedXml();
        if (root.Elements().Any(e => e.Name.LocalName is "TopicConfiguration" or "CloudFunctionConfiguration"))
            throw new S3Exception(400, "InvalidArgument", "topic or cloud function configuration is not supported");

        var queues = new List<QueueConfiguration>();
        foreach (var element in root.Elements().Where(e => e.Name.LocalName == "QueueConfiguration"))
        {
            var arn = Child(element, "Queue")?.Value.Trim() ?? throw S3Exception.MalformedXml();
            var events = element.Elements().Where(e => e.Name.LocalName == "Event").Select(e => e.Value.Trim()).ToList();
            if (events.Count == 0)
                throw S3Exception.MalformedXml();
            foreach (var name in events)
            {
                if (!MinioEventName.IsKnown(name))
                    throw S3Exception.UnsupportedEvent();
            }
            if (events.Distinct(StringComparer.Ordinal).Count() != events.Count)
                throw new S3Exception(400, "InvalidArgument", $"duplicate event name '{events.GroupBy(e => e).First(g => g.Count() > 1).Key}' found");
            string? prefix = null, suffix = null;
            var rules = Child(element, "Filter") is { } filter && Child(filter, "S3Key") is { } s3Key
                ? s3Key.Elements().Where(e => e.Name.LocalName == "FilterRule")
                : [];
            foreach (var rule in rules)
            {
                var name = Child(rule, "Name")?.Value;
                var value = Child(rule, "Value")?.Value ?? "";
                switch (name)
                {
                    case "prefix" when prefix is null:
                        prefix = value;
                        break;
                    case "prefix":
                        throw S3Exception.InvalidFilter("more than one prefix in filter rule");
                    case "suffix" when suffix is null:
                        suffix = value;
                        break;
                    case "suffix":
                        throw S3Exception.InvalidFilter("more than one suffix in filter rule");
                    default:
                        throw S3Exception.InvalidFilter($"invalid filter name '{name}'");
                }
            }
            if (!knownArns.Contains(arn))
                throw S3Exception.ArnNotFound();
            var configuration = new QueueConfiguration(Child(element, "Id")?.Value ?? "", arn, events, prefix, suffix);
            if (queues.Any(q => q.Arn == configuration.Arn && q.Prefix == configuration.Prefix && q.Suffix == configuration.Suffix && q.Events.Intersect(configuration.Events).Any()))
                throw new S3Exception(400, "InvalidArgument", $"duplicate queue configuration {arn}");
            queues.Add(configuration);
        }
        return queues;
    }

    /// <summary>The GET <c>?notification</c> answer; an unconfigured bucket gets an empty document, as from MinIO.</summary>
    public static string Write(IReadOnlyList<QueueConfiguration> queues)
    {
        var root = new XElement(s_s3 + "NotificationConfiguration");
        foreach (var queue in queues)
        {
            var element = new XElement(s_s3 + "QueueConfiguration", new XElement(s_s3 + "Id", queue.Id));
            if (queue.Prefix is not null || queue.Suffix is not null)
            {
                var s3Key = new XElement(s_s3 + "S3Key");
                if (queue.Prefix is not null)
                    s3Key.Add(Rule("prefix", queue.Prefix));
                if (queue.Suffix is not null)
                    s3Key.Add(Rule("suffix", queue.Suffix));
                element.Add(new XElement(s_s3 + "Filter", s3Key));
            }
            else
            {
                element.Add(new XElement(s_s3 + "Filter", new XElement(s_s3 + "S3Key")));
            }
            element.Add(new XElement(s_s3 + "Queue", queue.Arn));
            foreach (var name in queue.Events)
                element.Add(new XElement(s_s3 + "Event", name));
            root.Add(element);
        }
        return root.ToString(SaveOptions.DisableFormatting);
    }

    private static XElement Rule(string name, string value) =>
        new(s_s3 + "FilterRule", new XElement(s_s3 + "Name", name), new XElement(s_s3 + "Value", value));

    private static XElement? Child(XElement parent, string localName) =>
        parent.Elements().FirstOrDefault(e => e.Name.LocalName == localName);
}
