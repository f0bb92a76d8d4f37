using System.Text;
using CsCheck;

namespace Mlops.Hostile.Tests.Properties;

/// <summary>
/// YAML stack files: a valid one (<see cref="Valid"/>) with one field replaced by an arbitrary node, or arbitrary
/// documents. Nodes are flow-style mappings and lists with the stack file's field names, scalars of every style and tag,
/// anchors and aliases (an alias may point into its own anchor, making a cycle), and complex keys.
/// </summary>
public static class YamlShapes
{
    public const string Valid = """
        version: 1
        name: homelab
        namespace: mlflow
        secrets:
          - name: minio-credentials
            requiredKeys: [AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY]
            sealedSecret:
              apiVersion: bitnami.com/v1alpha1
              kind: SealedSecret
              metadata: {name: minio-credentials, namespace: mlflow}
              spec:
                encryptedData: {AWS_ACCESS_KEY_ID: c2FuZA==, AWS_SECRET_ACCESS_KEY: c2FuZA==}
          - name: mlflow-webhook
            requiredKeys: [webhook-secret]
        credentials: {secret: minio-credentials}
        minio:
          endpoint: http://minio.minio.svc.cluster.local:9000
          notificationTarget: {id: MLOPS, exchange: mlops-minio-events, exchangeType: fanout, durable: true, deliveryMode: 2, queueDir: /data/.minio-events}
        buckets:
          - name: mlflow
            notifications: [{events: ["s3:ObjectCreated:*"], suffix: MLmodel}]
        artifactBucket: mlflow
        mlflow:
          trackingUri: http://mlflow.mlflow.svc.cluster.local:5000
          webhook: {events: [model_version.created], secret: {name: mlflow-webhook, key: webhook-secret}}
        """;

    /// <summary>The fields of <see cref="Valid"/> whose values a mutation replaces, as "indent + key:" prefixes of its lines.</summary>
    private static readonly string[] Fields =
    [
        "version:", "name: homelab", "namespace: mlflow", "secrets:", "    sealedSecret:", "      spec:", "      metadata:", "    requiredKeys:",
        "credentials:", "minio:", "  endpoint:", "  notificationTarget:", "buckets:", "    notifications:", "artifactBucket:", "mlflow:",
        "  webhook:", "  trackingUri:",
    ];

    private static readonly string[] Keys =
    [
        "version", "name", "namespace", "secrets", "sealedSecret", "apiVersion", "kind", "metadata", "spec", "encryptedData", "template", "data",
        "requiredKeys", "credentials", "secret", "minio", "endpoint", "install", "notificationTarget", "deliveryMode", "buckets", "notifications",
        "events", "prefix", "suffix", "artifactBucket", "mlflow", "trackingUri", "webhook", "key", "only", "namespaces", "queueDir",
    ];

    private static readonly string[] Scalars =
    [
        "~", "null", "''", "\"\"", "true", "yes", "on", "0x1F", "1e9", "-1", "99999999999999999999", ".inf", ".nan", "!!binary aGk=", "!!str 1",
        "!custom x", "!!int nope", "\"\\u0000\"", "\"\\x07bell\"", "\"..%2F..%2Fetc%2Fpasswd\"", "\"cnn_cl\u0430ssifier\"", "bitnami.com/v1alpha1",
        "SealedSecret", "mlflow", "homelab", "\"s3:ObjectCreated:*\"", "model_version.created", "|\n  block\n", "'it''s'", "2024-05-01",
    ];

    /// <summary>A node in flow style, at most four levels deep below <paramref name="depth"/>; aliases name anchors a0 to a3, defined or not.</summary>
    private static Gen<string> Node(int depth) => Gen.Recursive<string>((level, self) =>
    {
        var scalar = Gen.Frequency(
            (4, Gen.OneOf<string>(Scalars)),
            (1, HostileText.Any.Select(s => JsonShapes.Quote(s))),
            (1, Gen.Int[0, 3].Select(n => $"*a{n}")));
        if (level + depth >= 4)
            return scalar;
        var key = Gen.Frequency((6, Gen.OneOf<string>(Keys)), (1, self.Select(k => $"? {k}")), (1, HostileText.Any.Select(JsonShapes.Quote)));
        var mapping = Gen.Select(key, self).Array[0, 4].Select(f => "{" + string.Join(", ", f.Select(p => p.Item1.StartsWith('?') ? $"{p.Item1} : {p.Item2}" : $"{p.Item1}: {p.Item2}")) + "}");
        var list = self.Array[0, 3].Select(items => "[" + string.Join(", ", items) + "]");
        var anchored = Gen.Select(Gen.Int[0, 3], Gen.OneOf(mapping, list)).Select((n, node) => $"&a{n} {node}");
        return Gen.Frequency((3, scalar), (3, mapping), (2, list), (2, anchored));
    });

    /// <summary>The valid file with one field's value replaced by an arbitrary node.</summary>
    public static readonly Gen<string> Mutated =
        from field in Gen.OneOf<string>(Fields)
        from node in Node(0)
        select WithField(field, node);

    /// <summary>Anything at all: a mutated file, a document of arbitrary nodes, or text that may not be YAML.</summary>
    public static readonly Gen<string> Any = Gen.Frequency(
        (6, Mutated),
        (2, Node(0)),
        (1, Gen.String[HostileText.Char, 0, 200]),
        (1, Mutated.Select(Gen.Int[0, 400], (text, cut) => text[..Math.Min(cut, text.Length)])));

    /// <summary><see cref="Valid"/> with the value of the field on the line starting <paramref name="field"/> replaced by <paramref name="node"/>.</summary>
    public static string WithField(string field, string node)
    {
        var lines = Valid.Split('\n').ToList();
        var at = lines.FindIndex(l => l.StartsWith(field, StringComparison.Ordinal));
        var indent = lines[at].Length - lines[at].TrimStart().Length;
        var key = lines[at][..lines[at].IndexOf(':', StringComparison.Ordinal)];
        // The field's block (its deeper-indented lines) goes with it.
        var end = at + 1;
        while (end < lines.Count && lines[end].Length - lines[end].TrimStart().Length > indent)
            end++;
        lines.RemoveRange(at, end - at);
        lines.Insert(at, $"{key}: {node}");
        return new StringBuilder().AppendJoin('\n', lines).ToString();
    }
}
