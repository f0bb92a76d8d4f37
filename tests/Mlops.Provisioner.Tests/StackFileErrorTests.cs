using Mlops.Provisioner.Stacks;

namespace Mlops.Provisioner.Tests;

/// <summary>A wrong stack file is refused before anything is called, naming each wrong field by its path.</summary>
public sealed class StackFileErrorTests
{
    private const string Minimal = """
        name: lab
        namespace: mlflow
        secrets:
          - name: minio-credentials
        buckets:
          - name: mlflow
        """;

    private static StackFileException Refused(string yaml) => Assert.Throws<StackFileException>(() => StackFile.Parse(yaml, "lab.yaml"));

    private static void AssertError(StackFileException refused, string path, string words) =>
        Assert.Contains(refused.Errors, e => e.Path == path && e.Message.Contains(words, StringComparison.Ordinal));

    [Fact]
    public void Should_take_a_minimal_file_with_every_default()
    {
        var stack = StackFile.Parse(Minimal);

        Assert.Equal("minio-credentials", stack.Credentials.SecretName);
        Assert.Equal(["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"], stack.Secrets[0].RequiredKeys);
        Assert.Null(stack.Secrets[0].SealedSecretManifest);
        Assert.Equal("mlflow", stack.ArtifactBucket);
        Assert.Equal("MLOPS", stack.Minio.Target.Id);
        Assert.Empty(stack.Only);
    }

    [Fact]
    public void Should_name_an_unknown_field_with_its_path_and_the_field_meant()
    {
        var refused = Refused(Minimal.Replace("  - name: mlflow", "  - name: mlflow\n    notifications:\n      - events: [\"s3:ObjectCreated:*\"]\n        sufix: MLmodel", StringComparison.Ordinal));

        var error = Assert.Single(refused.Errors);
        Assert.Equal("buckets[0].notifications[0].sufix", error.Path);
        Assert.Contains("did you mean 'suffix'?", error.Message, StringComparison.Ordinal);
        Assert.Equal(9, error.Line);
        Assert.Contains("lab.yaml", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_name_a_field_of_the_wrong_type()
    {
        var refused = Refused(Minimal + "\nminio:\n  install: maybe\n  notificationTarget:\n    deliveryMode: persistent\n");

        AssertError(refused, "minio.install", "true or false");
        AssertError(refused, "minio.notificationTarget.deliveryMode", "whole number");
    }

    [Theory]
    [InlineData("My_Bucket", "lowercase")]
    [InlineData("ab", "3 to 63")]
    [InlineData("192.168.1.10", "IP address")]
    [InlineData("a..b", "'..'")]
    public void Should_refuse_a_bucket_name_S3_refuses(string bucket, string words) =>
        AssertError(Refused(Minimal.Replace("  - name: mlflow", $"  - name: \"{bucket}\"", StringComparison.Ordinal)),
            "buckets[0].name", words);

    [Fact]
    public void Should_refuse_Kubernetes_names_Kubernetes_refuses()
    {
        var refused = Refused(Minimal.Replace("namespace: mlflow", "namespace: ML_flow", StringComparison.Ordinal)
            .Replace("name: minio-credentials", "name: Minio_Credentials", StringComparison.Ordinal));

        AssertError(refused, "namespace", "DNS-1123 label");
        AssertError(refused, "secrets[0].name", "DNS-1123 subdomain");
    }

    [Fact]
    public void Should_refuse_an_event_name_MinIO_does_not_have()
    {
        var refused = Refused(Minimal.Replace("  - name: mlflow", "  - name: mlflow\n    notifications:\n      - events: [\"s3:ObjectCreated\"]", StringComparison.Ordinal));

        AssertError(refused, "buckets[0].notifications[0].events", "events[0] 's3:ObjectCreated' is not a MinIO event name");
    }

    [Fact]
    public void Should_refuse_a_suffix_filter_without_events()
    {
        var refused = Refused(Minimal.Replace("  - name: mlflow", "  - name: mlflow\n    notifications:\n      - suffix: MLmodel", StringComparison.Ordinal));

        AssertError(refused, "buckets[0].notifications[0].events", "a prefix or suffix filter needs the events");
    }

    [Fact]
    public void Should_refuse_a_sealed_secret_for_another_name_or_namespace_or_without_a_required_key()
    {
        var refused = Refused("""
            name: lab
            namespace: mlflow
            secrets:
              - name: minio-credentials
                requiredKeys: [AWS_ACCESS_KEY_ID]
                sealedSecret:
                  apiVersion: bitnami.com/v1alpha1
                  kind: SealedSecret
                  metadata: {name: other, namespace: default}
                  spec:
                    encryptedData: {AWS_ACCESS_KEY_ID: c2Vh}
            buckets: [{name: mlflow}]
            """);

        AssertError(refused, "secrets[0].sealedSecret", "is named 'other'");
        AssertError(refused, "secrets[0].sealedSecret", "sealed for namespace 'default'");
        AssertError(refused, "credentials.secret", "needs key AWS_SECRET_ACCESS_KEY");
    }

    [Fact]
    public void Should_refuse_credentials_in_a_Secret_the_stack_does_not_declare()
    {
        var refused = Refused(Minimal + "\ncredentials:\n  secret: elsewhere\n");

        AssertError(refused, "credentials.secret", "names Secret 'elsewhere', which is not listed under secrets");
    }

    [Fact]
    public void Should_refuse_an_artifact_bucket_that_is_not_a_bucket_and_a_step_that_does_not_exist()
    {
        var refused = Refused(Minimal + "\nartifactBucket: models\nonly: [buckets, seeds]\n");

        AssertError(refused, "artifactBucket", "'models' is not one of the buckets");
        AssertError(refused, "only", "'seeds' is not a step");
    }

    [Fact]
    public void Should_refuse_server_urls_with_credentials_or_another_scheme()
    {
        var refused = Refused(Minimal + "\nminio:\n  endpoint: http://admin:pw@minio:9000\nmlflow:\n  trackingUri: ftp://mlflow\n");

        AssertError(refused, "minio.endpoint", "must not carry credentials");
        Assert.DoesNotContain("pw@", refused.Message, StringComparison.Ordinal);
        AssertError(refused, "mlflow.trackingUri", "http:// or https://");
    }

    [Fact]
    public void Should_report_every_error_at_once_in_file_order()
    {
        var refused = Refused("name: Lab\nnamespace: mlflow\nbuckets: [{name: B}]\nextra: 1\n");

        Assert.True(refused.Errors.Count >= 3, string.Join("\n", refused.Errors));
        Assert.Equal(refused.Errors.OrderBy(e => e.Line).Select(e => e.Line), refused.Errors.Select(e => e.Line));
    }

    [Theory]
    [InlineData("name: [unclosed", "is not valid YAML")]
    [InlineData("- just\n- a list\n", "a mapping of fields")]
    [InlineData("version: 2\nname: lab\nnamespace: mlflow\nsecrets: [{name: s}]\nbuckets: [{name: mlflow}]\n", "this release reads version 1")]
    public void Should_refuse_what_is_not_a_stack_file(string yaml, string words) =>
        Assert.Contains(Refused(yaml).Errors, e => e.Message.Contains(words, StringComparison.Ordinal));

    [Fact]
    public void Should_refuse_an_installed_component_without_its_Secret_or_an_in_cluster_address()
    {
        var refused = Refused(Minimal + "\nminio:\n  endpoint: http://storage.example.org:9000\n  install: true\n  notificationTarget:\n    queueDir: /tmp/events\n" +
                              "mlflow:\n  install: true\n  secret: mlflow-server\n");

        AssertError(refused, "minio.endpoint", "in-cluster Service address");
        AssertError(refused, "minio.secret", "is required with install: true");
        AssertError(refused, "minio.notificationTarget.queueDir", "under /data/");
        AssertError(refused, "mlflow.secret", "names Secret 'mlflow-server', which is not listed under secrets for namespace 'mlflow'");
    }

    [Fact]
    public void Should_take_a_component_Secret_in_the_component_s_own_namespace_with_the_keys_it_reads()
    {
        var stack = StackFile.Parse("""
            name: lab
            namespace: mlflow
            secrets:
              - name: minio-credentials
              - name: minio-server
                namespace: minio
            buckets:
              - name: mlflow
            minio:
              install: true
              secret: minio-server
            """);

        var server = stack.Secrets.Single(s => s.Name == "minio-server");
        Assert.Equal("minio", server.Namespace);
        Assert.Equal(["MINIO_ROOT_USER", "MINIO_ROOT_PASSWORD", "MINIO_NOTIFY_AMQP_URL"], server.RequiredKeys);
        Assert.Empty(StackRules.Check(stack));
        var elsewhere = Refused(Minimal.Replace("  - name: minio-credentials", "  - name: minio-credentials\n  - name: minio-server\n    namespace: minio", StringComparison.Ordinal));
        AssertError(elsewhere, "secrets", "secrets[1].namespace 'minio' is not the stack's namespace");
    }
}
