namespace Mlops.Sandbox.Storage.Tests;

/// <summary>With its settings at their defaults, MLflow 3.10 calls only https URLs on public addresses, and says why it refuses one.</summary>
public sealed class WebhookUrlValidationTests(StrictMlflowSandbox sandbox) : IClassFixture<StrictMlflowSandbox>
{
    [Theory]
    [InlineData("http://203.0.114.7/hook", "Invalid webhook URL scheme: 'http'. Allowed schemes are: https.")]
    [InlineData("ftp://8.8.8.8/hook", "Invalid webhook URL scheme: 'ftp'. Allowed schemes are: https.")]
    [InlineData("https://127.0.0.1:8443/hook", "Webhook URL must not resolve to a non-public IP address. '127.0.0.1' resolves to 127.0.0.1.")]
    [InlineData("https://192.168.1.20/hook", "Webhook URL must not resolve to a non-public IP address. '192.168.1.20' resolves to 192.168.1.20.")]
    [InlineData("https://169.254.169.254/latest/meta-data", "Webhook URL must not resolve to a non-public IP address. '169.254.169.254' resolves to 169.254.169.254.")]
    [InlineData("https://localhost/hook", "Webhook URL must not resolve to a non-public IP address. 'localhost' resolves to 127.0.0.1.")]
    [InlineData("https://receiver.homelab.internal/hook", "Cannot resolve webhook URL hostname 'receiver.homelab.internal': [Errno -2] Name or service not known")]
    public async Task Should_refuse_a_url_mlflow_would_not_call(string url, string message)
    {
        using var http = sandbox.MlflowClient();

        var (status, error) = await http.CallAsync(HttpMethod.Post, "webhooks", new { name = "refused", url, events = new[] { new { entity = "model_version", action = "created" } } });

        Assert.Equal((400, "INVALID_PARAMETER_VALUE", message), (status, error.Text("error_code"), error.Text("message")));
    }

    [Fact]
    public async Task Should_accept_https_on_a_public_address_and_refuse_changing_it_to_http()
    {
        using var http = sandbox.MlflowClient();

        var created = await http.OkAsync(HttpMethod.Post, "webhooks", new { name = "public", url = "https://8.8.8.8/hook", events = new[] { new { entity = "model_version", action = "created" } } });
        var id = created.GetProperty("webhook").Text("webhook_id");
        var (status, error) = await http.CallAsync(HttpMethod.Patch, $"webhooks/{id}", new { url = "http://8.8.8.8/hook" });

        Assert.Equal((400, "INVALID_PARAMETER_VALUE"), (status, error.Text("error_code")));
        Assert.Equal("https://8.8.8.8/hook", (await http.OkAsync(HttpMethod.Get, $"webhooks/{id}")).GetProperty("webhook").Text("url"));
    }
}
