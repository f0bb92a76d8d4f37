extern alias coordinator;

using Microsoft.Extensions.Options;
using Mlops.Testing;

namespace Mlops.TrainingCoordinator.Tests;

/// <summary>A malformed Training section stops the service at start with every key at fault named.</summary>
public sealed class When_the_settings_are_wrong
{
    [Fact]
    public async Task Should_refuse_to_start_naming_each_setting()
    {
        await using var host = new ServiceHost<coordinator::Program>(TestEnvironment.RabbitMqUrl, new Dictionary<string, string?>
        {
            ["Kubernetes:Server"] = "http://127.0.0.1:1",
            ["Mlflow:Url"] = "http://127.0.0.1:1",
            ["Training:BackoffLimit"] = "-1",
            ["Training:StackWaitTimeout"] = "00:00:00",
            ["Training:Namespaces:0"] = "Team_A",
            ["Training:ModelArtifactPath"] = "/model",
        });

        var error = Assert.ThrowsAny<OptionsValidationException>(() => host.Start());

        Assert.Contains(error.Failures, f => f.StartsWith("Training:BackoffLimit must be 0 to 20", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.StartsWith("Training:StackWaitTimeout must be above zero", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.StartsWith("Training:Namespaces holds 'Team_A'", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.StartsWith("Training:ModelArtifactPath must be a relative artifact path", StringComparison.Ordinal));
    }
}
