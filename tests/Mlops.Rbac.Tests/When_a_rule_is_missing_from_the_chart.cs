using Mlops.Testing.Chart;

namespace Mlops.Rbac.Tests;

/// <summary>
/// The same configuration with one rule taken from the TrainingCoordinator's Role (<c>create</c> on <c>batch/jobs</c>):
/// the training run fails, and its reason carries the API server's Forbidden message, naming the account, verb and namespace.
/// </summary>
public sealed class When_a_rule_is_missing_from_the_chart
{
    [Fact]
    public async Task Should_fail_the_training_with_the_sandbox_s_Forbidden_message()
    {
        await using var run = await ChartRun.StartAsync("ci/sqlite-values.yaml", new ChartRunOptions
        {
            EditRole = role => role.Service == "trainingCoordinator" ? role.Without("batch", "jobs", "create") : role,
        });
        Assert.DoesNotContain(("batch", "jobs", "create"), run.Roles.Single(r => r.Service == "trainingCoordinator").Grants());
        await run.ProvisionAsync();

        var training = await run.TrainAsync("cnn_classifier");

        var failed = await run.TrainingInAsync(training, "Failed", timeout: TimeSpan.FromSeconds(120));
        var reason = failed["saga"]?["failed"]?["reason"]?.GetValue<string>() ?? failed.ToJsonString();
        Assert.Contains($"is forbidden: User \"{ChartInstall.UserOf("trainingCoordinator")}\" cannot create resource \"jobs\" in API group \"batch\" " +
                        $"in the namespace \"{ChartRun.StackNamespace}\"", reason, StringComparison.Ordinal);
        Assert.Contains(run.ServiceRequests(), r => r.StatusCode == 403 && r.Verb == "create" && r.Resource == "jobs");
    }
}
