using Mlops.Contracts;
using Mlops.Provisioner.Stacks;
using Mlops.Provisioner.Tests.Testbed;

namespace Mlops.Provisioner.Tests;

/// <summary>A ProvisionStack that did not come from a stack file (mlopsctl, another service) is held to the same rules.</summary>
public sealed class StackRulesTests
{
    private static readonly ProvisionStack Homelab = ProvisionerTestbed.StackFromFile();

    [Fact]
    public void Should_refuse_a_SealedSecret_that_is_not_one_or_lacks_a_key_the_stack_reads()
    {
        var problems = StackRules.Check(Homelab with
        {
            Secrets =
            [
                Homelab.Secrets[0] with { SealedSecretManifest = """{"apiVersion":"v1","kind":"Secret","metadata":{"name":"minio-credentials"},"spec":{"encryptedData":{"AWS_ACCESS_KEY_ID":"x"}}}""" },
                Homelab.Secrets[1] with { SealedSecretManifest = "not json" },
            ],
        });

        Assert.Contains("secrets[0].sealedSecret must be a SealedSecret (apiVersion bitnami.com/v1alpha1, kind SealedSecret), as kubeseal writes it", problems);
        Assert.Contains("secrets[0].sealedSecret has no key AWS_SECRET_ACCESS_KEY in spec.encryptedData, which the stack reads from mlflow/minio-credentials", problems);
        Assert.Contains("secrets[1].sealedSecret is not a JSON object (a SealedSecret manifest as kubeseal writes it)", problems);
    }

    [Fact]
    public void Should_refuse_an_installed_component_without_its_Secret_and_a_step_that_does_not_exist()
    {
        var problems = StackRules.Check(Homelab with
        {
            Minio = Homelab.Minio with { Install = true, Endpoint = "http://storage.example.org:9000" },
            Only = ["bukets"],
        });

        Assert.Contains(problems, p => p.StartsWith("minio.endpoint must be an in-cluster Service address", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("minio.secret is required when minio.install is true", StringComparison.Ordinal));
        Assert.Contains("only[0] 'bukets' is not a step; the steps are: namespaces, secrets, components, buckets, notifications, mlflow", problems);
    }

    [Fact]
    public void Should_refuse_an_unknown_webhook_event_and_an_exchange_RabbitMQ_reserves_without_repeating_long_values()
    {
        var problems = StackRules.Check(Homelab with
        {
            Mlflow = Homelab.Mlflow with { Webhook = Homelab.Mlflow.Webhook! with { Events = ["model_version.deleted"] } },
            Minio = Homelab.Minio with { Target = Homelab.Minio.Target with { Exchange = "amq." + new string('x', 300) } },
        });

        Assert.Contains("mlflow.webhook.events[0] 'model_version.deleted' is not an MLflow webhook event (e.g. model_version.created)", problems);
        var exchange = Assert.Single(problems, p => p.StartsWith("minio.notificationTarget.exchange", StringComparison.Ordinal));
        Assert.True(exchange.Length < 250, exchange);
    }

    [Fact]
    public void Should_find_every_Secret_the_stack_reads_with_the_keys_read_from_each()
    {
        var secrets = RequiredSecret.Of(Homelab with { Secrets = [Homelab.Secrets[1]] });

        Assert.Equal(["mlflow/mlflow-webhook", "mlflow/minio-credentials"], secrets.Select(s => s.Path));
        Assert.Null(secrets[1].SealedSecretManifest);
        Assert.Equal(["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"], secrets[1].Keys);
    }
}
