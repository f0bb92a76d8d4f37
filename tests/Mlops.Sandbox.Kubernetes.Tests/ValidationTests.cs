using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Xunit;

namespace Mlops.Sandbox.Kubernetes.Tests;

/// <summary>Label values and keys are validated as the API server validates them.</summary>
public sealed class ValidationTests(KubernetesSandbox sandbox) : IClassFixture<KubernetesSandbox>
{
    private const string LabelRule = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

    private async Task<V1Status> RefusedAsync(IDictionary<string, string> labels, bool onTemplate = false)
    {
        var ns = await sandbox.NewNamespaceAsync();
        var deployment = Objects.Deployment("serve", "ghcr.io/mlflow/mlflow:v2.21.3");
        if (onTemplate)
        {
            foreach (var (key, value) in labels)
                deployment.Spec.Template.Metadata.Labels[key] = value;
        }
        else
            deployment.Metadata.Labels = labels;
        var refused = await Assert.ThrowsAsync<HttpOperationException>(() => sandbox.Client.AppsV1.CreateNamespacedDeploymentAsync(deployment, ns));
        Assert.Equal((HttpStatusCode)422, refused.Response.StatusCode);
        return KubernetesJson.Deserialize<V1Status>(refused.Response.Content);
    }

    [Fact]
    public async Task Should_refuse_a_label_value_with_characters_a_label_may_not_hold()
    {
        var status = await RefusedAsync(new Dictionary<string, string> { ["model"] = "modèle_ü" });

        Assert.Equal("Invalid", status.Reason);
        Assert.Equal($"Deployment.apps \"serve\" is invalid: metadata.labels: Invalid value: \"modèle_ü\": {LabelRule}", status.Message);
        Assert.Equal(("FieldValueInvalid", "metadata.labels"), (status.Details.Causes.Single().Reason, status.Details.Causes.Single().Field));
    }

    [Fact]
    public async Task Should_refuse_a_label_value_over_63_characters_and_one_that_ends_badly()
    {
        var tooLong = await RefusedAsync(new Dictionary<string, string> { ["model"] = new string('a', 64) });
        var badEnd = await RefusedAsync(new Dictionary<string, string> { ["model"] = "cnn-" });
        var badStart = await RefusedAsync(new Dictionary<string, string> { ["model"] = "_cnn" });

        Assert.EndsWith("must be no more than 63 characters", tooLong.Message);
        Assert.EndsWith(LabelRule, badEnd.Message);
        Assert.EndsWith(LabelRule, badStart.Message);
    }

    [Fact]
    public async Task Should_refuse_a_bad_label_on_the_pod_template_and_a_bad_label_key()
    {
        var template = await RefusedAsync(new Dictionary<string, string> { ["version"] = "v1 final" }, onTemplate: true);
        var key = await RefusedAsync(new Dictionary<string, string> { ["model name"] = "cnn" });

        Assert.Contains(template.Details.Causes, c => c.Field == "spec.template.metadata.labels");
        Assert.Contains("name part must consist of alphanumeric characters", key.Message);
    }

    [Fact]
    public async Task Should_accept_the_same_text_as_an_annotation()
    {
        var ns = await sandbox.NewNamespaceAsync();
        var deployment = Objects.Deployment("serve", "ghcr.io/mlflow/mlflow:v2.21.3");
        deployment.Metadata.Annotations = new Dictionary<string, string> { ["mlops.dev/model-name"] = "modèle_ü" };

        var created = await sandbox.Client.AppsV1.CreateNamespacedDeploymentAsync(deployment, ns);

        Assert.Equal("modèle_ü", created.Metadata.Annotations["mlops.dev/model-name"]);
    }
}
