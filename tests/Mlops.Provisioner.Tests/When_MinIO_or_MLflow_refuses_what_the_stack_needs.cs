using Mlops.Contracts;
using Mlops.Provisioner.Tests.Testbed;
using Mlops.Sandbox.Faults;

namespace Mlops.Provisioner.Tests;

/// <summary>
/// Servers without what the stack needs (MinIO's AMQP target, MLflow's leave to call http on loopback): the failure names the
/// settings; an MLflow without the webhook API is no failure, the webhook is skipped.
/// </summary>
public sealed class When_MinIO_or_MLflow_refuses_what_the_stack_needs
{
    [Fact]
    public async Task Should_fail_at_the_notifications_step_naming_the_MinIO_settings_to_add_when_MinIO_has_no_target()
    {
        await using var testbed = await ProvisionerTestbed.StartAsync(new TestbedOptions { MinioTarget = false });
        await testbed.ProvisionAsync(ProvisionerTestbed.StackFromFile());

        var failed = await testbed.EventAsync<StackProvisioningFailed>();
        Assert.Equal("notifications", failed.Step);
        Assert.StartsWith("bucket mlflow: MinIO has no AMQP target MLOPS: set MINIO_NOTIFY_AMQP_ENABLE_MLOPS=on", failed.Reason);
        Assert.Contains("_QUEUE_DIR_MLOPS=/data/.minio-events", failed.Reason);
        Assert.Contains("_EXCHANGE_MLOPS=mlops-minio-events", failed.Reason);
        Assert.Contains(testbed.Host.Logs.Entries, e => e.Message.Contains("MINIO_NOTIFY_AMQP_URL_MLOPS=amqp://<user>:<password>@<broker>:5672/<vhost>", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Should_fail_at_the_mlflow_step_naming_the_server_setting_when_MLflow_refuses_an_http_webhook_URL()
    {
        await using var testbed = await ProvisionerTestbed.StartAsync(new TestbedOptions
        {
            Sandbox = new Dictionary<string, string?> { ["Sandbox:mlflow:MLFLOW_WEBHOOK_ALLOWED_SCHEMES"] = "https" },
        });
        await testbed.ProvisionAsync(ProvisionerTestbed.StackFromFile());

        var failed = await testbed.EventAsync<StackProvisioningFailed>();
        Assert.Equal("mlflow", failed.Step);
        Assert.Contains($"MLflow refused the webhook URL {testbed.Receiver.Url}", failed.Reason);
        Assert.Contains("Invalid webhook URL scheme: 'http'", failed.Reason);
        Assert.Contains("MLFLOW_WEBHOOK_ALLOWED_SCHEMES", failed.Reason);
        Assert.Empty(testbed.Events.Of<StackReady>());
    }

    [Fact]
    public async Task Should_skip_the_webhook_in_one_log_line_and_reach_StackReady_when_MLflow_has_no_webhook_API()
    {
        await using var testbed = await ProvisionerTestbed.StartAsync();
        // MLflow 2 has no webhook routes: its server answers 404 to every call of the API.
        testbed.Sandbox.Faults.Set("mlflow", "webhooks", new FaultRule { ErrorRate = 1, StatusCodes = [404] });
        await testbed.ProvisionAsync(ProvisionerTestbed.StackFromFile());

        await testbed.EventAsync<StackReady>();
        Assert.Single(testbed.Host.Logs.Entries, e => e.Message.Contains("has no webhook API: the webhook to the ModelPromoter of stack homelab is skipped", StringComparison.Ordinal));
        Assert.Contains(testbed.Requests("mlflow"), r => r is { Group: "webhooks", StatusCode: 404 });
        Assert.DoesNotContain(testbed.Requests("mlflow"), r => r.Group == "webhooks" && ProvisionerTestbed.IsWrite(r));
        Assert.Empty(testbed.Receiver.Deliveries);
        var (_, saga) = await testbed.InStateAsync("homelab", "Ready");
        Assert.Null(saga.WebhookId);
    }

    [Fact]
    public async Task Should_register_the_new_secret_with_the_webhook_when_the_Secret_changes()
    {
        await using var testbed = await ProvisionerTestbed.StartAsync();
        await testbed.ProvisionAsync(ProvisionerTestbed.StackFromFile());
        await testbed.EventAsync<StackReady>();
        var (_, first) = await testbed.InStateAsync("homelab", "Ready");

        var stack = ProvisionerTestbed.StackFromFile(edit: text => text.Replace(ProvisionerTestbed.Sealed(ProvisionerTestbed.WebhookSecret),
            ProvisionerTestbed.Sealed("a-rotated-signing-secret"), StringComparison.Ordinal));
        testbed.Sandbox.Requests.Clear();
        testbed.Receiver.Secret = "a-rotated-signing-secret";
        var deliveries = testbed.Receiver.Deliveries.Count;
        await testbed.ProvisionAsync(stack);
        await testbed.EventAsync<StackReady>(2);

        var (_, second) = await testbed.InStateAsync("homelab", "Ready");
        Assert.Equal(first.WebhookId, second.WebhookId);
        Assert.NotEqual(first.WebhookSecretHash, second.WebhookSecretHash);
        Assert.Contains("the MLflow webhook mlops-homelab-model-promoter had another secret; updated", second.Changes.Select(c => c.Description));
        Assert.Contains(testbed.Requests("mlflow"), r => r.Verb == "patch" && r.Group == "webhooks");
        Assert.DoesNotContain("a-rotated-signing-secret", (await testbed.FindAsync("homelab"))!.Value.Record.Data);
        // Proven again: MLflow's test delivery is signed with the new secret.
        Assert.True(testbed.Receiver.Deliveries.Skip(deliveries).Single().Verified);
    }
}
