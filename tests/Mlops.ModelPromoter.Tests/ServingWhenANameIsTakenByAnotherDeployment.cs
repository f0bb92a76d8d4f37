using k8s;
using k8s.Models;
using Mlops.ModelPromoter.Serving;

namespace Mlops.ModelPromoter.Tests;

/// <summary>
/// A Deployment of the model's name made by hand (as the old playbooks made them), without the promoter's model-name
/// annotation: the claim finds it taken, leaves it as it is, and serves the model under the hashed name.
/// </summary>
[Collection(ServingCollection.Name)]
public sealed class ServingWhenANameIsTakenByAnotherDeployment(ServingCluster cluster)
{
    private const string Model = "handmade_model";

    private const string TakenName = "mlflow-model-handmade-model-server";

    [Fact]
    public async Task Should_leave_the_other_Deployment_alone_and_serve_under_the_hashed_name()
    {
        var handMade = await cluster.Kubernetes.AppsV1.CreateNamespacedDeploymentAsync(HandMade(), ServingCluster.Namespace);
        var version = await ServingModels.RegisterAsync(cluster, Model);
        var before = cluster.LastRequest;

        var answer = await cluster.AnswerAsync(await cluster.ServeAsync(version));

        Assert.Equal(ServingOutcome.Served, answer.Outcome);
        var untouched = await cluster.Kubernetes.AppsV1.ReadNamespacedDeploymentAsync(TakenName, ServingCluster.Namespace);
        Assert.Equal(handMade.Metadata.Generation, untouched.Metadata.Generation);
        Assert.Equal("ghcr.io/mlflow/mlflow:v2.9.2", Assert.Single(untouched.Spec.Template.Spec.Containers).Image);
        Assert.DoesNotContain(cluster.KubernetesWrites(before), w => w.Name == TakenName);
        Assert.False(untouched.Metadata.Annotations?.ContainsKey(ModelServerLabels.ModelNameAnnotation) == true);
        var write = Assert.Single(cluster.DeploymentWrites(before));
        Assert.Equal("create", write.Verb);
        var served = (await cluster.ServingStateAsync(Model))!.Served!;
        Assert.Matches("^mlflow-model-handmade-model-[0-9a-f]{8}-server$", served.DeploymentName);
        var ours = (await cluster.DeploymentAsync(served.DeploymentName))!;
        Assert.Equal(Model, ours.Metadata.Annotations[ModelServerLabels.ModelNameAnnotation]);
        Assert.Contains($"models:/{Model}/1", ours.Spec.Template.Spec.Containers[0].Args);
        Assert.Equal("1", await cluster.AliasAsync(Model));
    }

    private static V1Deployment HandMade()
    {
        var labels = new Dictionary<string, string> { ["app"] = "handmade-model" };
        return new V1Deployment
        {
            Metadata = new V1ObjectMeta { Name = TakenName, Labels = labels },
            Spec = new V1DeploymentSpec
            {
                Replicas = 0,
                Selector = new V1LabelSelector { MatchLabels = labels },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = labels },
                    Spec = new V1PodSpec
                    {
                        Containers = [new V1Container { Name = "server", Image = "ghcr.io/mlflow/mlflow:v2.9.2", Command = ["mlflow", "models", "serve"] }],
                    },
                },
            },
        };
    }
}
