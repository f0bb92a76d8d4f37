using System.Text;
using System.Text.Json.Nodes;

namespace Mlops.Sandbox.Kubernetes;

/// <summary>
/// Reads the Kubernetes protobuf encoding (<c>k8s\0</c> + runtime.Unknown) that kubectl's typed commands send
/// (<c>kubectl create secret|configmap|namespace</c>), for the kinds listed here; other kinds get 415.
/// </summary>
public static class ProtobufBodies
{
    public const string MediaType = "application/vnd.kubernetes.protobuf";

    private enum Wire { String, Bytes, Int64, Bool, Message, Strings, Messages, StringMap, BytesMap, Time }

    private sealed record Field(int Number, string Name, Wire Wire, IReadOnlyList<Field>? Message = null);

    private static readonly IReadOnlyList<Field> TimeFields = [];

    private static readonly IReadOnlyList<Field> OwnerReference =
    [
        new(1, "kind", Wire.String), new(3, "name", Wire.String), new(4, "uid", Wire.String),
        new(5, "apiVersion", Wire.String), new(6, "controller", Wire.Bool), new(7, "blockOwnerDeletion", Wire.Bool),
    ];

    private static readonly IReadOnlyList<Field> ObjectMeta =
    [
        new(1, "name", Wire.String), new(2, "generateName", Wire.String), new(3, "namespace", Wire.String),
        new(5, "uid", Wire.String), new(6, "resourceVersion", Wire.String), new(7, "generation", Wire.Int64),
        new(8, "creationTimestamp", Wire.Time, TimeFields), new(11, "labels", Wire.StringMap), new(12, "annotations", Wire.StringMap),
        new(13, "ownerReferences", Wire.Messages, OwnerReference), new(14, "finalizers", Wire.Strings),
    ];

    private static readonly Dictionary<string, IReadOnlyList<Field>> Kinds = new(StringComparer.Ordinal)
    {
        ["Secret"] =
        [
            new(1, "metadata", Wire.Message, ObjectMeta), new(2, "data", Wire.BytesMap), new(3, "type", Wire.String),
            new(4, "stringData", Wire.StringMap), new(5, "immutable", Wire.Bool),
        ],
        ["ConfigMap"] =
        [
            new(1, "metadata", Wire.Message, ObjectMeta), new(2, "data", Wire.StringMap), new(3, "binaryData", Wire.BytesMap),
            new(4, "immutable", Wire.Bool),
        ],
        ["Namespace"] =
        [
            new(1, "metadata", Wire.Message, ObjectMeta), new(2, "spec", Wire.Message, [new(1, "finalizers", Wire.Strings)]),
        ],
    };

    public static JsonObject Decode(byte[] body)
    {
        if (body.Length < 4 || body[0] != 'k' || body[1] != '8' || body[2] != 's' || body[3] != 0)
            throw KubernetesApiException.BadRequest("protobuf body without the k8s envelope");
        var envelope = new Reader(body.AsMemory(4));
        string? apiVersion = null, kind = null;
        ReadOnlyMemory<byte> raw = default;
        while (envelope.Next(out var number, out var wireType))
        {
            if (number == 1 && wireType == 2)
            {
                var typeMeta = new Reader(envelope.Bytes());
                while (typeMeta.Next(out var n, out var w))
                {
                    if (n == 1 && w == 2)
                        apiVersion = typeMeta.Text();
                    else if (n == 2 && w == 2)
                        kind = typeMeta.Text();
                    else
                        typeMeta.Skip(w);
                }
            }
            else if (number == 2 && wireType == 2)
                raw = envelope.Bytes();
            else
                envelope.Skip(wireType);
        }
        if (kind is null || !Kinds.TryGetValue(kind, out var fields))
            throw KubernetesApiException.UnsupportedMediaType($"{MediaType} ({kind})");
        var obj = new JsonObject { ["apiVersion"] = apiVersion, ["kind"] = kind };
        foreach (var (key, value) in ReadMessage(raw, fields))
            obj[key] = value?.DeepClone();
        return obj;
    }

    private static JsonObject ReadMessage(ReadOnlyMemory<byte> bytes, IReadOnlyList<Field> fields)
    {
        var result = new JsonObject();
        var reader = new Reader(bytes);
        while (reader.Next(out var number, out var wireType))
        {
            var field = fields.FirstOrDefault(f => f.Number == number);
            if (field is null)
            {
                reader.Skip(wireType);
                continue;
            }
            switch (field.Wire)
            {
                // Go writes empty strings, zeros and false; its JSON leaves them out (omitempty), and so does this.
                case Wire.String:
                {
                    var text = reader.Text();
                    if (text.Length > 0)
                        result[field.Name] = text;
                    break;
                }
                case Wire.Bytes:
                    result[field.Name] = Convert.ToBase64String(reader.Bytes().Span);
                    break;
                case Wire.Int64:
                {
                    var number64 = (long)reader.Varint();
                    if (number64 != 0)
                        result[field.Name] = number64;
                    break;
                }
                case Wire.Bool:
                    if (reader.Varint() != 0)
                        result[field.Name] = true;
                    break;
                case Wire.Message:
                    result[field.Name] = ReadMessage(reader.Bytes(), field.Message!);
                    break;
                case Wire.Time:
                {
                    var seconds = ReadSeconds(reader.Bytes());
                    if (seconds != 0)
                        result[field.Name] = Kubernetes.ObjectMeta.Timestamp(DateTimeOffset.FromUnixTimeSeconds(seconds));
                    break;
                }
                case Wire.Strings:
                    ListAt(result, field.Name).Add(reader.Text());
                    break;
                case Wire.Messages:
                    ListAt(result, field.Name).Add(ReadMessage(reader.Bytes(), field.Message!));
                    break;
                case Wire.StringMap or Wire.BytesMap:
                {
                    var entry = new Reader(reader.Bytes());
                    string key = "", value = "";
                    while (entry.Next(out var n, out var w))
                    {
                        if (n == 1)
                            key = entry.Text();
                        else if (n == 2)
                            value = field.Wire == Wire.StringMap ? entry.Text() : Convert.ToBase64String(entry.Bytes().Span);
                        else
                            entry.Skip(w);
                    }
                    var map = result[field.Name] as JsonObject ?? [];
                    map[key] = value;
                    result[field.Name] = map;
                    break;
                }
            }
        }
        return result;
    }

    private static long ReadSeconds(ReadOnlyMemory<byte> bytes)
    {
        var reader = new Reader(bytes);
        long seconds = 0;
        while (reader.Next(out var n, out var w))
        {
            if (n == 1)
                seconds = (long)reader.Varint();
            else
                reader.Skip(w);
        }
        return seconds;
    }

    private static JsonArray ListAt(JsonObject obj, string name)
    {
        if (obj[name] is JsonArray list)
            return list;
        var created = new JsonArray();
        obj[name] = created;
        return created;
    }

    // Protocol buffers wire format: varint keys, varints and length-delimited payloads.
    private sealed class Reader(ReadOnlyMemory<byte> buffer)
    {
        private int _at;

        public bool Next(out int number, out int wireType)
        {
            if (_at >= buffer.Length)
            {
                (number, wireType) = (0, 0);
                return false;
            }
            var key = Varint();
            (number, wireType) = ((int)(key >> 3), (int)(key & 7));
            return true;
        }

        public ulong Varint()
        {
            ulong value = 0;
            for (var shift = 0; ; shift += 7)
            {
                if (_at >= buffer.Length || shift > 63)
                    throw KubernetesApiException.BadRequest("truncated protobuf body");
                var b = buffer.Span[_at++];
                value |= (ulong)(b & 0x7F) << shift;
                if (b < 0x80)
                    return value;
            }
        }

        public ReadOnlyMemory<byte> Bytes()
        {
            var length = (int)Varint();
            if (_at + length > buffer.Length)
                throw KubernetesApiException.BadRequest("truncated protobuf body");
            var slice = buffer.Slice(_at, length);
            _at += length;
            return slice;
        }

        public string Text() => Encoding.UTF8.GetString(Bytes().Span);

        public void Skip(int wireType)
        {
            switch (wireType)
            {
                case 0:
                    Varint();
                    break;
                case 1:
                    _at += 8;
                    break;
                case 2:
                    Bytes();
                    break;
                case 5:
                    _at += 4;
                    break;
                default:
                    throw KubernetesApiException.BadRequest($"unsupported protobuf wire type {wireType}");
            }
        }
    }
}
