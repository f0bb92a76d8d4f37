using k8s;
using k8s.Models;
using Mlops.Contracts;
using Mlops.ModelPromoter.Sagas;
using Mlops.ModelPromoter.Serving;

namespace Mlops.ModelPromoter.Tests;

/// <summary>A READY version handed to its serving saga: deployed, rolled out, smoke-checked, aliased, recorded.</summary>
[Collection(ServingCollection.Name)]
public sealed class ServingWhenAVersionIsServed(ServingCluster cluster)
{
    [Fact]
    public async Task Should_roll_out_smoke_check_and_alias_the_version_and_answer_the_promotion()
    {
        var version = await ServingModels.RegisterAsync(cluster, "cnn_classifier");
        var before = cluster.LastRequest;

        var promotion = await cluster.ServeAsync(version);

        var answer = await cluster.AnswerAsync(promotion);
        Assert.Equal(ServingOutcome.Served, answer.Outcome);
        Assert.Null(answer.Reason);
        var complete = Assert.Single(cluster.Of<ServingRolloutComplete>(), e => e.ModelName == "cnn_classifier");
        Assert.Equal(("1", ServingCluster.Namespace, "mlflow-model-cnn-classifier-server"), (complete.Version, complete.Namespace, complete.DeploymentName));
        Assert.Equal(version.FlowId, complete.FlowId);
        Assert.Single(cluster.Of<ServingRolloutStarted>(), e => e.ModelName == "cnn_classifier");
        var promoted = Assert.Single(cluster.Of<ModelPromoted>(), e => e.ModelName == "cnn_classifier");
        Assert.Equal(("1", "production"), (promoted.Version, promoted.Alias));
        Assert.Equal("1", await cluster.AliasAsync("cnn_classifier"));

        var state = (await cluster.ServingStateAsync("cnn_classifier"))!;
        Assert.Equal("Serving", await cluster.SagaStateAsync("cnn_classifier"));
        Assert.Equal("1", state.Served!.Version);
        Assert.StartsWith(ServingOptions.PyTorchImage, state.Served.Image, StringComparison.Ordinal);
        var entry = Assert.Single(state.Ledger);
        Assert.Equal((ServingLedgerEntry.Served, "1", "production", (Guid?)promotion), (entry.Outcome, entry.Version, entry.Alias, entry.PromotionId));
        Assert.StartsWith("passed", entry.SmokeCheck, StringComparison.Ordinal);
        Assert.Equal("create", Assert.Single(cluster.DeploymentWrites(before)).Verb);

        var deployment = (await cluster.DeploymentAsync("mlflow-model-cnn-classifier-server"))!;
        Assert.Equal("mlflow-model-server", deployment.Metadata.Labels["app"]);
        Assert.Equal("cnn-classifier", deployment.Metadata.Labels["model"]);
        Assert.Equal("cnn_classifier", deployment.Metadata.Annotations[ModelServerLabels.ModelNameAnnotation]);
        Assert.Equal("1", deployment.Metadata.Annotations[ModelServerLabels.ModelVersionAnnotation]);
        Assert.Equal(ServingSagaIds.ForModel("cnn_classifier").ToString(), deployment.Metadata.Annotations[ModelServerLabels.ServingSagaAnnotation]);
        var container = Assert.Single(deployment.Spec.Template.Spec.Containers);
        Assert.Equal(["mlflow", "models", "serve"], container.Command);
        Assert.Equal(["-m", "models:/cnn_classifier/1", "--host", "0.0.0.0", "--port", "5001", "--env-manager", "local"], container.Args);
        Assert.Equal(("http", 5001), (container.Ports.Single().Name, container.Ports.Single().ContainerPort));
        Assert.All(new[] { container.ReadinessProbe, container.LivenessProbe, container.StartupProbe }, p => Assert.Equal("/health", p.HttpGet.Path));
        Assert.Equal(("64Mi", "8Gi"), (container.Resources.Requests["memory"].ToString(), container.Resources.Limits["memory"].ToString()));
        var service = await cluster.Kubernetes.CoreV1.ReadNamespacedServiceAsync("mlflow-model-cnn-classifier-server", ServingCluster.Namespace);
        Assert.Equal(("ClusterIP", "http", 5001), (service.Spec.Type, service.Spec.Ports.Single().Name, service.Spec.Ports.Single().Port));

        // Credentials only by reference: no value of the Secret anywhere in the pod spec.
        var pods = await cluster.Kubernetes.CoreV1.ListNamespacedPodAsync(ServingCluster.Namespace, labelSelector: "model=cnn-classifier");
        Assert.NotEmpty(pods.Items);
        var podJson = k8s.KubernetesJson.Serialize(pods.Items.Select(p => p.Spec).ToList());
        Assert.DoesNotContain(Mlops.Testing.SandboxFixture.RootPassword, podJson, StringComparison.Ordinal);
        Assert.DoesNotContain(Mlops.Testing.SandboxFixture.RootUser, podJson, StringComparison.Ordinal);
        Assert.All(container.Env.Where(e => e.Name.StartsWith("AWS_", StringComparison.Ordinal)), e =>
        {
            Assert.Null(e.Value);
            Assert.Equal(ServingCluster.CredentialsSecret, e.ValueFrom.SecretKeyRef.Name);
        });

        // kubectl, the real one, agrees that it rolled out.
        var (exitCode, output) = await ServingKubectl.RunAsync(cluster.Sandbox.KubernetesUrl,
            "rollout", "status", "deployment/mlflow-model-cnn-classifier-server", "-n", ServingCluster.Namespace, "--timeout=30s");
        Assert.True(exitCode == 0, output);
        Assert.Contains("successfully rolled out", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_roll_out_once_for_a_request_delivered_twice_and_not_again_for_the_same_version()
    {
        const string model = "duplicated_model";
        var version = await ServingModels.RegisterAsync(cluster, model);
        var before = cluster.LastRequest;
        var promotion = Guid.NewGuid();

        await Task.WhenAll(cluster.ServeAsync(version, promotionId: promotion), cluster.ServeAsync(version, promotionId: promotion));
        Assert.Equal(ServingOutcome.Served, (await cluster.AnswerAsync(promotion)).Outcome);
        var other = await cluster.AnswerAsync(await cluster.ServeAsync(version));

        Assert.Equal(ServingOutcome.Served, other.Outcome);
        Assert.Single(cluster.Of<ServingRolloutStarted>(), e => e.ModelName == model);
        Assert.Single(cluster.Of<ServingRolloutComplete>(), e => e.ModelName == model);
        Assert.Equal("create", Assert.Single(cluster.DeploymentWrites(before)).Verb);
        Assert.Single((await cluster.ServingStateAsync(model))!.Ledger);
    }
    [Fact]
    public async Task Should_take_a_deliberate_choice_of_the_serving_version_as_a_new_attempt_without_a_Deployment_write()
    {
        const string model = "chosen_again_model";
        var version = await ServingModels.RegisterAsync(cluster, model);
        Assert.Equal(ServingOutcome.Served, (await cluster.AnswerAsync(await cluster.ServeAsync(version))).Outcome);
        var before = cluster.LastRequest;

        var chosen = await cluster.ServeAsync(version, deliberate: true);

        Assert.Equal(ServingOutcome.Served, (await cluster.AnswerAsync(chosen)).Outcome);
        Assert.Empty(cluster.DeploymentWrites(before));
        var state = (await cluster.ServingStateAsync(model))!;
        Assert.Equal(chosen, state.Served!.PromotionId);
        Assert.Equal([(ServingLedgerEntry.Served, false), (ServingLedgerEntry.Served, true)], state.Ledger.Select(e => (e.Outcome, e.Deliberate)));
        Assert.StartsWith("passed", state.Ledger[^1].SmokeCheck, StringComparison.Ordinal);
        Assert.Equal("1", await cluster.AliasAsync(model));
    }
}
