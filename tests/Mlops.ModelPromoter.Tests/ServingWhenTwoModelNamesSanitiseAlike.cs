using k8s;
using Mlops.Sandbox.Control;
using Mlops.Sandbox.Faults;
using Mlops.Testing;
using Mlops.ModelPromoter.Serving;

namespace Mlops.ModelPromoter.Tests;

/// <summary>
/// <c>twin_model</c> and <c>twin-model</c> both become <c>twin-model</c>: the name is claimed with a create, the second model
/// gets the hash suffix. The API server answers the apps group slowly while both claim, so both read the name as free and
/// both create it: the race is run, not assumed.
/// </summary>
[Collection(ServingCollection.Name)]
public sealed class ServingWhenTwoModelNamesSanitiseAlike(ServingCluster cluster)
{
    [Fact]
    public async Task Should_give_each_its_own_Deployment_and_overwrite_neither()
    {
        var underscored = await ServingModels.RegisterAsync(cluster, "twin_model");
        var dashed = await ServingModels.RegisterAsync(cluster, "twin-model");

        const string Plain = "mlflow-model-twin-model-server";
        var after = cluster.LastRequest;
        cluster.Sandbox.Faults.Set("kubernetes", "apps", new FaultRule { LatencyMilliseconds = 5000 });
        Guid[] answers = [];
        try
        {
            answers = await Task.WhenAll(cluster.ServeAsync(underscored), cluster.ServeAsync(dashed));
            await Eventually.HoldsAsync(() => Creates().Count(r => r.StatusCode is not null) == 2, "both models' creates of the plain name answered",
                TimeSpan.FromSeconds(60));
        }
        finally
        {
            cluster.Sandbox.Faults.Clear("kubernetes", "apps");
        }
        // Both read the plain name free before either created it; one create won, the other met 409 and took the hashed name.
        Assert.Equal([201, 409], Creates().Take(2).Select(r => r.StatusCode!.Value).Order());

        Assert.All(await Task.WhenAll(answers.Select(a => cluster.AnswerAsync(a))), a => Assert.Equal(ServingOutcome.Served, a.Outcome));
        var deployments = (await cluster.Kubernetes.AppsV1.ListNamespacedDeploymentAsync(ServingCluster.Namespace, labelSelector: "app=mlflow-model-server"))
            .Items.Where(d => d.Metadata.Name.StartsWith("mlflow-model-twin-model", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, deployments.Count);
        Assert.Equal(["twin-model", "twin_model"], deployments.Select(d => d.Metadata.Annotations[ModelServerLabels.ModelNameAnnotation]).Order(StringComparer.Ordinal));
        Assert.Contains(deployments, d => d.Metadata.Name == Plain);
        var hashed = Assert.Single(deployments, d => d.Metadata.Name != Plain);
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
        Assert.Equal([201, 201, 409], Creates().Select(r => r.StatusCode!.Value).Order());

        // A create names no object in its path (POST to the collection): the log tells them apart by order.
        IEnumerable<RequestRecord> Creates() => cluster.KubernetesWrites(after).Where(r => r.Verb == "create" && r.Resource == "deployments");
    }
}
