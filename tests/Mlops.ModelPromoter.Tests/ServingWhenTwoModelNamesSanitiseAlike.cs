using k8s;
using Mlops.ModelPromoter.Serving;

namespace Mlops.ModelPromoter.Tests;

/// <summary><c>twin_model</c> and <c>twin-model</c> both become <c>twin-model</c>: the name is claimed with a create, the second model gets the hash suffix.</summary>
[Collection(ServingCollection.Name)]
public sealed class ServingWhenTwoModelNamesSanitiseAlike(ServingCluster cluster)
{
    [Fact]
    public async Task Should_give_each_its_own_Deployment_and_overwrite_neither()
    {
        var underscored = await ServingModels.RegisterAsync(cluster, "twin_model");
        var dashed = await ServingModels.RegisterAsync(cluster, "twin-model");

        var answers = await Task.WhenAll(cluster.ServeAsync(underscored), cluster.ServeAsync(dashed));

        Assert.All(await Task.WhenAll(answers.Select(a => cluster.AnswerAsync(a))), a => Assert.Equal(ServingOutcome.Served, a.Outcome));
        var deployments = (await cluster.Kubernetes.AppsV1.ListNamespacedDeploymentAsync(ServingCluster.Namespace, labelSelector: "app=mlflow-model-server"))
            .Items.Where(d => d.Metadata.Name.StartsWith("mlflow-model-twin-model", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, deployments.Count);
        Assert.Equal(["twin-model", "twin_model"], deployments.Select(d => d.Metadata.Annotations[ModelServerLabels.ModelNameAnnotation]).Order(StringComparer.Ordinal));
        Assert.Contains(deployments, d => d.Metadata.Name == "mlflow-model-twin-model-server");
        var hashed = Assert.Single(deployments, d => d.Metadata.Name != "mlflow-model-twin-model-server");
        Assert.Matches("^mlflow-model-twin-model-[0-9a-f]{8}-server$", hashed.Metadata.Name);
        Assert.Equal(hashed.Metadata.Name[ModelServerNaming.Prefix.Length..^ModelServerNaming.Suffix.Length], hashed.Metadata.Labels["model"]);
        foreach (var deployment in deployments)
        {
            var model = deployment.Metadata.Annotations[ModelServerLabels.ModelNameAnnotation];
            Assert.Equal("1", deployment.Spec.Template.Metadata.Annotations[ModelServerLabels.ModelVersionAnnotation]);
            Assert.Contains($"models:/{model}/1", deployment.Spec.Template.Spec.Containers[0].Args);
            var service = await cluster.Kubernetes.CoreV1.ReadNamespacedServiceAsync(deployment.Metadata.Name, ServingCluster.Namespace);
            Assert.Equal(deployment.Spec.Selector.MatchLabels, service.Spec.Selector);
        }
        Assert.Equal("1", await cluster.AliasAsync("twin_model"));
        Assert.Equal("1", await cluster.AliasAsync("twin-model"));
    }
}
