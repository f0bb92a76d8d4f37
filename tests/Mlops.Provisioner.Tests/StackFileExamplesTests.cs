using System.Text.Json.Nodes;
using Mlops.Provisioner.Stacks;
using Mlops.Testing;

namespace Mlops.Provisioner.Tests;

/// <summary>The stack files shipped in stacks/ read as the homelab they describe.</summary>
public sealed class StackFileExamplesTests
{
    private static string Example(string name) => Path.Combine(TestEnvironment.RepositoryRoot, "stacks", name);

    [Fact]
    public void Should_read_the_homelab_stack_with_its_defaults()
    {
        var stack = StackFile.Load(Example("homelab.yaml"));

        Assert.Equal("homelab", stack.StackName);
        Assert.Equal("mlflow", stack.Namespace);
        Assert.Equal("minio-credentials", stack.Credentials.SecretName);
        var credentials = stack.Secrets.Single(s => s.Name == "minio-credentials");
        Assert.Equal(["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"], credentials.RequiredKeys);
        var manifest = JsonNode.Parse(credentials.SealedSecretManifest!)!;
        Assert.Equal("SealedSecret", manifest["kind"]!.ToString());
        Assert.Equal("mlflow", stack.ArtifactBucket);
        var notification = Assert.Single(Assert.Single(stack.Buckets).Notifications);
        Assert.Equal(["s3:ObjectCreated:*"], notification.Events);
        Assert.Equal("MLmodel", notification.Suffix);
        Assert.Equal("MLOPS", stack.Minio.Target.Id);
        Assert.Equal("mlops-minio-events", stack.Minio.Target.Exchange);
        Assert.Equal("fanout", stack.Minio.Target.ExchangeType);
        Assert.True(stack.Minio.Target.Durable);
        Assert.Equal(2, stack.Minio.Target.DeliveryMode);
        Assert.Equal("http://minio.minio.svc.cluster.local:9000", stack.Minio.Endpoint);
        Assert.Equal("http://mlflow.mlflow.svc.cluster.local:5000", stack.Mlflow.TrackingUri);
        var webhook = stack.Mlflow.Webhook!;
        Assert.Equal(["model_version.created", "model_version_alias.created", "model_version_alias.deleted"], webhook.Events);
        Assert.Equal("mlflow-webhook", webhook.SecretName);
        Assert.Contains("webhook-secret", stack.Secrets.Single(s => s.Name == "mlflow-webhook").RequiredKeys);
    }

    [Fact]
    public void Should_read_the_newer_homelab_layout()
    {
        var stack = StackFile.Load(Example("homelab-argo.yaml"));

        Assert.Equal(["mlflow-artifacts", "argo-artifacts"], stack.Buckets.Select(b => b.Name));
        Assert.Equal("mlflow-artifacts", stack.ArtifactBucket);
        Assert.Equal("mlflow-s3-secret", stack.Credentials.SecretName);
        Assert.Contains("MLFLOW_S3_ENDPOINT_URL", stack.Secrets.Single().RequiredKeys);
        Assert.Null(stack.Mlflow.Webhook);
        Assert.Empty(stack.Buckets[1].Notifications);
    }

    [Fact]
    public void Should_read_the_homelab_with_MinIO_and_MLflow_installed_in_the_cluster()
    {
        var stack = StackFile.Load(Example("homelab-in-cluster.yaml"));

        Assert.True(stack.Minio.Install);
        Assert.Equal("minio-server", stack.Minio.Secret);
        Assert.True(stack.Mlflow.Install);
        Assert.Equal("mlflow-server", stack.Mlflow.Secret);
        Assert.Equal("minio", stack.Secrets.Single(s => s.Name == "minio-server").Namespace);
        Assert.Contains("MLFLOW_WEBHOOK_SECRET_ENCRYPTION_KEY", stack.Secrets.Single(s => s.Name == "mlflow-server").RequiredKeys);
    }

    [Theory]
    [InlineData("homelab.yaml")]
    [InlineData("homelab-argo.yaml")]
    [InlineData("homelab-in-cluster.yaml")]
    public void Should_keep_the_rules_a_command_from_elsewhere_is_checked_against(string name) =>
        Assert.Empty(StackRules.Check(StackFile.Load(Example(name))));
}
