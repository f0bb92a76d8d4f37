using System.Text;
using System.Text.Json.Nodes;

namespace Mlops.Sandbox.Kubernetes;

/// <summary>
/// Reads the Kubernetes protobuf encoding (<c>k8s\0</c> + runtime.Unknown) that kubectl's typed commands send
/// (<c>kubectl create secret|configmap|namespace|serviceaccount|service|deployment|job|role|clusterrole|rolebinding|
/// clusterrolebinding|token</c>, <c>kubectl run</c>, <c>kubectl auth can-i|whoami</c>), into the JSON the API would
/// have received. Field numbers follow the generated.proto files of k8s.io/api and k8s.io/apimachinery; fields a
/// message carries that are not listed here are skipped. Other kinds get 415.
/// </summary>
public static class ProtobufBodies
{
    public const string MediaType = "application/vnd.kubernetes.protobuf";

    private enum Wire { String, Bytes, Int, Bool, Message, Inline, Strings, Messages, StringMap, BytesMap, QuantityMap, MessageMap, Time, IntOrString, Quantity }

    // Keep: a pointer (or a field JSON always writes), so a zero or false value is meaningful and is kept.
    private sealed record Field(int Number, string Name, Wire Wire, Func<IReadOnlyList<Field>>? Message = null, bool Keep = false);

    private static Field Str(int n, string name) => new(n, name, Wire.String);

    private static Field Int(int n, string name, bool keep = false) => new(n, name, Wire.Int, Keep: keep);

    private static Field Bool(int n, string name, bool keep = false) => new(n, name, Wire.Bool, Keep: keep);

    private static Field Msg(int n, string name, Func<IReadOnlyList<Field>> message) => new(n, name, Wire.Message, message);

    private static Field Inline(int n, Func<IReadOnlyList<Field>> message) => new(n, "", Wire.Inline, message);

    private static Field List(int n, string name, Func<IReadOnlyList<Field>> message) => new(n, name, Wire.Messages, message);

    private static Field Strings(int n, string name) => new(n, name, Wire.Strings);

    private static Field Map(int n, string name) => new(n, name, Wire.StringMap);

    // k8s.io/apimachinery meta/v1
    private static IReadOnlyList<Field> OwnerReference() =>
        [Str(1, "kind"), Str(3, "name"), Str(4, "uid"), Str(5, "apiVersion"), Bool(6, "controller", keep: true), Bool(7, "blockOwnerDeletion", keep: true)];

    private static IReadOnlyList<Field> ObjectMeta() =>
    [
        Str(1, "name"), Str(2, "generateName"), Str(3, "namespace"), Str(5, "uid"), Str(6, "resourceVersion"), Int(7, "generation"),
        new(8, "creationTimestamp", Wire.Time), new(9, "deletionTimestamp", Wire.Time), Int(10, "deletionGracePeriodSeconds", keep: true),
        Map(11, "labels"), Map(12, "annotations"), List(13, "ownerReferences", OwnerReference), Strings(14, "finalizers"),
    ];

    private static IReadOnlyList<Field> LabelSelector() =>
        [Map(1, "matchLabels"), List(2, "matchExpressions", () => [Str(1, "key"), Str(2, "operator"), Strings(3, "values")])];

    private static IReadOnlyList<Field> DeleteOptions() =>
    [
        Int(1, "gracePeriodSeconds", keep: true), Msg(2, "preconditions", () => [Str(1, "uid"), Str(2, "resourceVersion")]),
        Bool(3, "orphanDependents", keep: true), Str(4, "propagationPolicy"), Strings(5, "dryRun"),
    ];

    // k8s.io/api core/v1
    private static IReadOnlyList<Field> LocalObjectReference() => [Str(1, "name")];

    private static IReadOnlyList<Field> KeySelector() => [Inline(1, LocalObjectReference), Str(2, "key"), Bool(3, "optional", keep: true)];

    private static IReadOnlyList<Field> EnvVar() =>
    [
        Str(1, "name"), Str(2, "value"),
        Msg(3, "valueFrom", () =>
        [
            Msg(1, "fieldRef", () => [Str(1, "apiVersion"), Str(2, "fieldPath")]),
            Msg(2, "resourceFieldRef", () => [Str(1, "containerName"), Str(2, "resource"), new(3, "divisor", Wire.Quantity)]),
            Msg(3, "configMapKeyRef", KeySelector),
            Msg(4, "secretKeyRef", KeySelector),
        ]),
    ];

    private static IReadOnlyList<Field> EnvFromSource() =>
    [
        Str(1, "prefix"),
        Msg(2, "configMapRef", () => [Inline(1, LocalObjectReference), Bool(2, "optional", keep: true)]),
        Msg(3, "secretRef", () => [Inline(1, LocalObjectReference), Bool(2, "optional", keep: true)]),
    ];

    private static IReadOnlyList<Field> Probe() =>
    [
        Inline(1, () =>
        [
            Msg(1, "exec", () => [Strings(1, "command")]),
            Msg(2, "httpGet", () => [Str(1, "path"), new(2, "port", Wire.IntOrString), Str(3, "host"), Str(4, "scheme"), List(5, "httpHeaders", () => [Str(1, "name"), Str(2, "value")])]),
            Msg(3, "tcpSocket", () => [new(1, "port", Wire.IntOrString), Str(2, "host")]),
            Msg(4, "grpc", () => [Int(1, "port", keep: true), Str(2, "service")]),
        ]),
        Int(2, "initialDelaySeconds"), Int(3, "timeoutSeconds"), Int(4, "periodSeconds"), Int(5, "successThreshold"), Int(6, "failureThreshold"),
        Int(7, "terminationGracePeriodSeconds", keep: true),
    ];

    private static IReadOnlyList<Field> Container() =>
    [
        Str(1, "name"), Str(2, "image"), Strings(3, "command"), Strings(4, "args"), Str(5, "workingDir"),
        List(6, "ports", () => [Str(1, "name"), Int(2, "hostPort"), Int(3, "containerPort", keep: true), Str(4, "protocol"), Str(5, "hostIP")]),
        List(19, "envFrom", EnvFromSource), List(7, "env", EnvVar),
        Msg(8, "resources", () => [new(1, "limits", Wire.QuantityMap), new(2, "requests", Wire.QuantityMap)]),
        Str(24, "restartPolicy"),
        List(9, "volumeMounts", () => [Str(1, "name"), Bool(2, "readOnly"), Str(3, "mountPath"), Str(4, "subPath")]),
        Msg(10, "livenessProbe", Probe), Msg(11, "readinessProbe", Probe), Msg(22, "startupProbe", Probe),
        Str(13, "terminationMessagePath"), Str(20, "terminationMessagePolicy"), Str(14, "imagePullPolicy"),
        Msg(15, "securityContext", () => [Bool(2, "privileged", keep: true), Int(4, "runAsUser", keep: true), Int(8, "runAsGroup", keep: true), Bool(5, "runAsNonRoot", keep: true), Bool(6, "readOnlyRootFilesystem", keep: true), Bool(7, "allowPrivilegeEscalation", keep: true)]),
        Bool(16, "stdin"), Bool(17, "stdinOnce"), Bool(18, "tty"),
    ];

    private static IReadOnlyList<Field> KeyToPath() => [Str(1, "key"), Str(2, "path"), Int(3, "mode", keep: true)];

    private static IReadOnlyList<Field> Volume() =>
    [
        Str(1, "name"),
        Inline(2, () =>
        [
            Msg(2, "emptyDir", () => [Str(1, "medium"), new(2, "sizeLimit", Wire.Quantity)]),
            Msg(6, "secret", () => [Str(1, "secretName"), List(2, "items", KeyToPath), Int(3, "defaultMode", keep: true), Bool(4, "optional", keep: true)]),
            Msg(10, "persistentVolumeClaim", () => [Str(1, "claimName"), Bool(2, "readOnly")]),
            Msg(19, "configMap", () => [Inline(1, LocalObjectReference), List(2, "items", KeyToPath), Int(3, "defaultMode", keep: true), Bool(4, "optional", keep: true)]),
        ]),
    ];

    private static IReadOnlyList<Field> PodSpec() =>
    [
        List(1, "volumes", Volume), List(20, "initContainers", Container), List(2, "containers", Container),
        Str(3, "restartPolicy"), Int(4, "terminationGracePeriodSeconds", keep: true), Int(5, "activeDeadlineSeconds", keep: true),
        Str(6, "dnsPolicy"), Map(7, "nodeSelector"), Str(8, "serviceAccountName"), Str(9, "serviceAccount"),
        Bool(21, "automountServiceAccountToken", keep: true), Str(10, "nodeName"),
        Msg(14, "securityContext", () => [Int(2, "runAsUser", keep: true), Int(6, "runAsGroup", keep: true), Bool(3, "runAsNonRoot", keep: true), Int(5, "fsGroup", keep: true)]),
        List(15, "imagePullSecrets", LocalObjectReference), Str(16, "hostname"), Str(17, "subdomain"), Str(19, "schedulerName"),
        Str(24, "priorityClassName"), Bool(30, "enableServiceLinks", keep: true),
    ];

    private static IReadOnlyList<Field> PodTemplateSpec() => [Msg(1, "metadata", ObjectMeta), Msg(2, "spec", PodSpec)];

    private static IReadOnlyList<Field> ServiceSpec() =>
    [
        List(1, "ports", () => [Str(1, "name"), Str(2, "protocol"), Str(6, "appProtocol"), Int(3, "port", keep: true), new(4, "targetPort", Wire.IntOrString), Int(5, "nodePort")]),
        Map(2, "selector"), Str(3, "clusterIP"), Strings(18, "clusterIPs"), Str(4, "type"), Strings(5, "externalIPs"),
        Str(7, "sessionAffinity"), Str(8, "loadBalancerIP"), Str(10, "externalName"), Str(11, "externalTrafficPolicy"),
        Bool(13, "publishNotReadyAddresses"), Strings(19, "ipFamilies"), Str(17, "ipFamilyPolicy"), Str(22, "internalTrafficPolicy"),
    ];

    // rbac/v1
    private static IReadOnlyList<Field> PolicyRule() =>
        [Strings(1, "verbs"), Strings(2, "apiGroups"), Strings(3, "resources"), Strings(4, "resourceNames"), Strings(5, "nonResourceURLs")];

    private static IReadOnlyList<Field> Binding() =>
    [
        Msg(1, "metadata", ObjectMeta),
        List(2, "subjects", () => [Str(1, "kind"), Str(2, "apiGroup"), Str(3, "name"), Str(4, "namespace")]),
        Msg(3, "roleRef", () => [Str(1, "apiGroup"), Str(2, "kind"), Str(3, "name")]),
    ];

    // authorization/v1
    private static IReadOnlyList<Field> ResourceAttributes() =>
        [Str(1, "namespace"), Str(2, "verb"), Str(3, "group"), Str(4, "version"), Str(5, "resource"), Str(6, "subresource"), Str(7, "name")];

    private static IReadOnlyList<Field> NonResourceAttributes() => [Str(1, "path"), Str(2, "verb")];

    private static readonly Dictionary<string, IReadOnlyList<Field>> Kinds = new(StringComparer.Ordinal)
    {
        ["Secret"] = [Msg(1, "metadata", ObjectMeta), new(2, "data", Wire.BytesMap), Str(3, "type"), Map(4, "stringData"), Bool(5, "immutable", keep: true)],
        ["ConfigMap"] = [Msg(1, "metadata", ObjectMeta), Map(2, "data"), new(3, "binaryData", Wire.BytesMap), Bool(4, "immutable", keep: true)],
        ["Namespace"] = [Msg(1, "metadata", ObjectMeta), Msg(2, "spec", () => [Strings(1, "finalizers")])],
        ["ServiceAccount"] = [Msg(1, "metadata", ObjectMeta), List(3, "imagePullSecrets", LocalObjectReference), Bool(4, "automountServiceAccountToken", keep: true)],
        ["Service"] = [Msg(1, "metadata", ObjectMeta), Msg(2, "spec", ServiceSpec)],
        ["Pod"] = [Msg(1, "metadata", ObjectMeta), Msg(2, "spec", PodSpec)],
        ["Deployment"] =
        [
            Msg(1, "metadata", ObjectMeta),
            Msg(2, "spec", () =>
            [
                Int(1, "replicas", keep: true), Msg(2, "selector", LabelSelector), Msg(3, "template", PodTemplateSpec),
                Msg(4, "strategy", () => [Str(1, "type"), Msg(2, "rollingUpdate", () => [new(1, "maxUnavailable", Wire.IntOrString), new(2, "maxSurge", Wire.IntOrString)])]),
                Int(5, "minReadySeconds"), Int(6, "revisionHistoryLimit", keep: true), Bool(7, "paused"), Int(9, "progressDeadlineSeconds", keep: true),
            ]),
        ],
        ["Job"] =
        [
            Msg(1, "metadata", ObjectMeta),
            Msg(2, "spec", () =>
            [
                Int(1, "parallelism", keep: true), Int(2, "completions", keep: true), Int(3, "activeDeadlineSeconds", keep: true),
                Int(7, "backoffLimit", keep: true), Msg(4, "selector", LabelSelector), Bool(5, "manualSelector", keep: true),
                Msg(6, "template", PodTemplateSpec), Int(8, "ttlSecondsAfterFinished", keep: true), Str(9, "completionMode"),
                Bool(10, "suspend", keep: true), Str(14, "podReplacementPolicy"),
            ]),
        ],
        ["Role"] = [Msg(1, "metadata", ObjectMeta), List(2, "rules", PolicyRule)],
        ["ClusterRole"] = [Msg(1, "metadata", ObjectMeta), List(2, "rules", PolicyRule), Msg(3, "aggregationRule", () => [List(1, "clusterRoleSelectors", LabelSelector)])],
        ["RoleBinding"] = Binding(),
        ["ClusterRoleBinding"] = Binding(),
        ["TokenRequest"] =
        [
            Msg(1, "metadata", ObjectMeta),
            Msg(2, "spec", () => [Strings(1, "audiences"), Int(4, "expirationSeconds", keep: true), Msg(3, "boundObjectRef", () => [Str(1, "kind"), Str(2, "apiVersion"), Str(3, "name"), Str(4, "uid")])]),
        ],
        ["SelfSubjectAccessReview"] =
        [
            Msg(1, "metadata", ObjectMeta),
            Msg(2, "spec", () => [Msg(1, "resourceAttributes", ResourceAttributes), Msg(2, "nonResourceAttributes", NonResourceAttributes)]),
        ],
        ["SubjectAccessReview"] =
        [
            Msg(1, "metadata", ObjectMeta),
            Msg(2, "spec", () =>
            [
                Msg(1, "resourceAttributes", ResourceAttributes), Msg(2, "nonResourceAttributes", NonResourceAttributes),
                Str(3, "user"), Strings(4, "groups"), new(5, "extra", Wire.MessageMap, () => [Strings(1, "items")]), Str(6, "uid"),
            ]),
        ],
        ["SelfSubjectReview"] = [Msg(1, "metadata", ObjectMeta)],
        ["SelfSubjectRulesReview"] = [Msg(1, "metadata", ObjectMeta), Msg(2, "spec", () => [Str(1, "namespace")])],
        ["DeleteOptions"] = DeleteOptions(),
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
        ReadInto(result, bytes, fields);
        return result;
    }

    private static void ReadInto(JsonObject result, ReadOnlyMemory<byte> bytes, IReadOnlyList<Field> fields)
    {
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
                // Go writes empty strings, zeros and false; its JSON leaves them out (omitempty), and so does this,
                // except for pointers, whose zero is a value.
                case Wire.String:
                {
                    var text = reader.Text();
                    if (text.Length > 0 || field.Keep)
                        result[field.Name] = text;
                    break;
                }
                case Wire.Bytes:
                    result[field.Name] = Convert.ToBase64String(reader.Bytes().Span);
                    break;
                case Wire.Int:
                {
                    var value = (long)reader.Varint();
                    if (value != 0 || field.Keep)
                        result[field.Name] = value;
                    break;
                }
                case Wire.Bool:
                {
                    var value = reader.Varint() != 0;
                    if (value || field.Keep)
                        result[field.Name] = value;
                    break;
                }
                case Wire.Message:
                    result[field.Name] = ReadMessage(reader.Bytes(), field.Message!());
                    break;
                case Wire.Inline:
                    ReadInto(result, reader.Bytes(), field.Message!());
                    break;
                case Wire.Time:
                {
                    var seconds = ReadSeconds(reader.Bytes());
                    if (seconds != 0)
                        result[field.Name] = Kubernetes.ObjectMeta.Timestamp(DateTimeOffset.FromUnixTimeSeconds(seconds));
                    break;
                }
                case Wire.IntOrString:
                    result[field.Name] = ReadIntOrString(reader.Bytes());
                    break;
                case Wire.Quantity:
                    result[field.Name] = ReadQuantity(reader.Bytes());
                    break;
                case Wire.Strings:
                    ListAt(result, field.Name).Add(reader.Text());
                    break;
                case Wire.Messages:
                    ListAt(result, field.Name).Add(ReadMessage(reader.Bytes(), field.Message!()));
                    break;
                case Wire.StringMap or Wire.BytesMap or Wire.QuantityMap or Wire.MessageMap:
                {
                    var entry = new Reader(reader.Bytes());
                    string key = "";
                    JsonNode? value = field.Wire == Wire.MessageMap ? new JsonObject() : "";
                    while (entry.Next(out var n, out var w))
                    {
                        if (n == 1)
                            key = entry.Text();
                        else if (n == 2)
                        {
                            value = field.Wire switch
                            {
                                Wire.StringMap => entry.Text(),
                                Wire.BytesMap => Convert.ToBase64String(entry.Bytes().Span),
                                Wire.QuantityMap => ReadQuantity(entry.Bytes()),
                                _ => ReadMessage(entry.Bytes(), field.Message!()) is var message && message.Count == 1 ? message.First().Value?.DeepClone() : message,
                            };
                        }
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

    // intstr.IntOrString: type 0 is the int in field 2, type 1 the string in field 3.
    private static JsonNode ReadIntOrString(ReadOnlyMemory<byte> bytes)
    {
        var reader = new Reader(bytes);
        long type = 0, number = 0;
        var text = "";
        while (reader.Next(out var n, out var w))
        {
            switch (n)
            {
                case 1:
                    type = (long)reader.Varint();
                    break;
                case 2:
                    number = (int)reader.Varint();
                    break;
                case 3:
                    text = reader.Text();
                    break;
                default:
                    reader.Skip(w);
                    break;
            }
        }
        return type == 1 ? text : number;
    }

    private static JsonNode ReadQuantity(ReadOnlyMemory<byte> bytes)
    {
        var reader = new Reader(bytes);
        var text = "";
        while (reader.Next(out var n, out var w))
        {
            if (n == 1)
                text = reader.Text();
            else
                reader.Skip(w);
        }
        return text;
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
            if (length < 0 || _at + length > buffer.Length)
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
