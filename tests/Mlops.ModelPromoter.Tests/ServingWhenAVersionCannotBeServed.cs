using System.Text;
using Minio.DataModel.Args;
using Mlops.Clients.Mlflow.Model;
using Mlops.ModelPromoter.Serving;

namespace Mlops.ModelPromoter.Tests;

/// <summary>What is refused before Kubernetes is touched: a model pyfunc cannot load, a name Kubernetes cannot hold, files outside S3.</summary>
[Collection(ServingCollection.Name)]
public sealed class ServingWhenAVersionCannotBeServed(ServingCluster cluster)
{
    [Fact]
    public async Task Should_refuse_an_MLmodel_without_the_python_function_flavour_with_no_Kubernetes_write()
    {
        var version = await ServingModels.RegisterAsync(cluster, "no_pyfunc_model");
        var key = version.ArtifactLocation["s3://mlflow/".Length..] + "/MLmodel";
        var bytes = Encoding.UTF8.GetBytes("artifact_path: model\nflavors:\n  pytorch:\n    model_data: data\n");
        using (var stream = new MemoryStream(bytes))
            await cluster.Sandbox.Minio.PutObjectAsync(new PutObjectArgs().WithBucket("mlflow").WithObject(key).WithStreamData(stream).WithObjectSize(bytes.Length));
        var before = cluster.LastRequest;

        var answer = await cluster.AnswerAsync(await cluster.ServeAsync(version));

        Assert.Equal(ServingOutcome.Failed, answer.Outcome);
        Assert.Contains("has no python_function flavour", answer.Reason, StringComparison.Ordinal);
        Assert.Empty(cluster.KubernetesWrites(before));
        Assert.Equal("Failed", await cluster.SagaStateAsync("no_pyfunc_model"));
    }

    [Fact]
    public async Task Should_refuse_a_model_name_that_sanitises_to_nothing()
    {
        var version = await ServingModels.RegisterAsync(cluster, "___");
        var before = cluster.LastRequest;

        var answer = await cluster.AnswerAsync(await cluster.ServeAsync(version));

        Assert.Equal(ServingOutcome.Failed, answer.Outcome);
        Assert.Equal("model name '___' gives no Kubernetes name: it has no ASCII letter or digit (names become lowercase a-z, 0-9 and '-')", answer.Reason);
        Assert.Empty(cluster.KubernetesWrites(before));
    }

    [Fact]
    public async Task Should_refuse_files_that_are_not_in_S3()
    {
        const string model = "local_files_model";
        await cluster.Mlflow.CreateRegisteredModelAsync(new CreateRegisteredModelRequest { Name = model });
        var created = (await cluster.Mlflow.CreateModelVersionAsync(new CreateModelVersionRequest { Name = model, Source = "/tmp/mlruns/0/abc/artifacts/model" })).ModelVersion;
        var before = cluster.LastRequest;

        var answer = await cluster.AnswerAsync(await cluster.ServeAsync(new RegisteredVersion(model, created.Version, "abc", created.Source!, Guid.NewGuid())));

        Assert.Equal(ServingOutcome.Failed, answer.Outcome);
        Assert.Contains("not in S3", answer.Reason, StringComparison.Ordinal);
        Assert.Empty(cluster.KubernetesWrites(before));
    }

    [Fact]
    public async Task Should_refuse_a_namespace_the_stack_has_no_credentials_Secret_in()
    {
        const string model = "elsewhere_model";
        cluster.Configure($"ModelPromoter:Policies:Models:{model}:Namespace", "serving-elsewhere");
        var version = await ServingModels.RegisterAsync(cluster, model);
        var before = cluster.LastRequest;

        var answer = await cluster.AnswerAsync(await cluster.ServeAsync(version));

        Assert.Equal(ServingOutcome.Failed, answer.Outcome);
        Assert.StartsWith("stack homelab has no credentials Secret in namespace serving-elsewhere", answer.Reason, StringComparison.Ordinal);
        Assert.Empty(cluster.KubernetesWrites(before));
    }
}
