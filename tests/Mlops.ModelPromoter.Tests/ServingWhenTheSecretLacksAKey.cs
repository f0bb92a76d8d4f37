using System.Text;
using k8s;
using Mlops.ModelPromoter.Serving;

namespace Mlops.ModelPromoter.Tests;

/// <summary>
/// The stack's Secret has lost its secret key: the kubelet cannot start the model server (CreateContainerConfigError), the
/// reason names the Secret and the key, the first Deployment is removed again, and a replay once the key is back serves.
/// </summary>
[Collection(ServingCollection.Name)]
public sealed class ServingWhenTheSecretLacksAKey(ServingCluster cluster)
{
    private const string Model = "keyless_model";
    private const string Deployment = "mlflow-model-keyless-model-server";
    private const string Key = "AWS_SECRET_ACCESS_KEY";

    [Fact]
    public async Task Should_name_the_secret_and_key_remove_the_first_deployment_and_serve_on_replay_once_fixed()
    {
        var v1 = await ServingModels.RegisterAsync(cluster, Model);
        var value = await SetKeyAsync(null);
        ServingAttemptFinished failed;
        Guid promotion;
        try
        {
            promotion = await cluster.ServeAsync(v1);
            failed = await cluster.AnswerAsync(promotion);
        }
        finally
        {
            await SetKeyAsync(value);
        }

        Assert.Equal(ServingOutcome.Failed, failed.Outcome);
        Assert.Contains($"secret {ServingCluster.Namespace}/{ServingCluster.CredentialsSecret} has no key {Key}", failed.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain(Encoding.UTF8.GetString(value), failed.Reason, StringComparison.Ordinal);
        Assert.Null(await cluster.DeploymentAsync(Deployment));
        Assert.Null(await cluster.AliasAsync(Model));
        Assert.Equal("Failed", await cluster.SagaStateAsync(Model));

        await cluster.ReplayAsync(Model);

        var answers = await cluster.AnswersAsync(promotion, 2);
        Assert.Equal(ServingOutcome.Served, answers[1].Outcome);
        Assert.Equal("1", await cluster.AliasAsync(Model));
        Assert.Equal("1", await cluster.TemplateVersionAsync(Deployment));
    }

    /// <summary>Puts <paramref name="value"/> under the key of the stack's Secret (null: removes it); returns what was there.</summary>
    private async Task<byte[]> SetKeyAsync(byte[]? value)
    {
        var secrets = cluster.Kubernetes.CoreV1;
        var secret = await secrets.ReadNamespacedSecretAsync(ServingCluster.CredentialsSecret, ServingCluster.Namespace);
        secret.Data.TryGetValue(Key, out var previous);
        if (value is null)
            secret.Data.Remove(Key);
        else
            secret.Data[Key] = value;
        await secrets.ReplaceNamespacedSecretAsync(secret, secret.Metadata.Name, ServingCluster.Namespace);
        return previous!;
    }
}
