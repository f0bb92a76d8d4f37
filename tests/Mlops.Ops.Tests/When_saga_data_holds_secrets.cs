using System.Text.Json;

namespace Mlops.Ops.Tests;

/// <summary>What the ops API shows of a saga hides secrets: by property name, and the service's own secret values anywhere.</summary>
public sealed class When_saga_data_holds_secrets(OpsHostFixture fixture) : IClassFixture<OpsHostFixture>
{
    private OpsHost Host => fixture.Host;

    [Fact]
    public async Task Should_mask_secret_properties_and_keep_the_references_to_them()
    {
        var id = await Host.ReserveAsync(schedulerToken: "tok-live-7d1e0b9c");
        var shown = await Host.InStateAsync(id, "Failed");
        var access = shown.GetProperty("data").GetProperty("Access");

        Assert.Equal("***", access.GetProperty("ApiToken").GetString());
        Assert.Equal("***", access.GetProperty("Password").GetString());
        Assert.Equal("lab-1-scheduler", access.GetProperty("SecretName").GetString());
        Assert.Equal("AKIAOPS", access.GetProperty("AccessKeyId").GetString());
        var env = access.GetProperty("Env").EnumerateArray().ToArray();
        Assert.Equal(("SCHEDULER_PASSWORD", "***"), (env[0].GetProperty("Name").GetString(), env[0].GetProperty("Value").GetString()));
        Assert.Equal(("SCHEDULER_POOL", "lab-1"), (env[1].GetProperty("Name").GetString(), env[1].GetProperty("Value").GetString()));
        Assert.DoesNotContain("tok-live-7d1e0b9c", shown.GetRawText(), StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", shown.GetRawText(), StringComparison.Ordinal);
        Assert.DoesNotContain("env-secret-value", shown.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_mask_the_services_own_secrets_in_reasons_notes_and_history()
    {
        var note = $"asked with {OpsHost.SchedulerKey}, token {OpsHost.AliceToken}, via amqp://ops:s3cret-pass@rabbit/ and password=letmein1";
        var id = await Host.ReserveAsync(note: note);
        var shown = await Host.InStateAsync(id, "Failed");
        var text = shown.GetRawText();

        Assert.DoesNotContain(OpsHost.SchedulerKey, text, StringComparison.Ordinal);
        Assert.DoesNotContain(OpsHost.AliceToken, text, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret-pass", text, StringComparison.Ordinal);
        Assert.DoesNotContain("letmein1", text, StringComparison.Ordinal);
        Assert.Equal("asked with ***, token ***, via amqp://***@rabbit/ and password=***", shown.GetProperty("data").GetProperty("Note").GetString());
        Assert.EndsWith("free for scheduler key ***", shown.GetProperty("saga").GetProperty("failed").GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.EndsWith("free for scheduler key ***", shown.GetProperty("lastError").GetProperty("reason").GetString(), StringComparison.Ordinal);

        using var client = Host.Client();
        var listed = await client.GetStringAsync("ops/sagas?state=Failed");
        Assert.DoesNotContain(OpsHost.SchedulerKey, listed, StringComparison.Ordinal);
        _ = JsonDocument.Parse(listed);
    }
}
