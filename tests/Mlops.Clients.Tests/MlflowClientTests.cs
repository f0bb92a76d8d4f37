using System.Net;
using Mlops.Clients.Mlflow;
using Mlops.Clients.Mlflow.Model;
using Mlops.Testing;
using Refit;

namespace Mlops.Clients.Tests;

/// <summary>Every MLflow call the services make, against the sandbox's MLflow REST API.</summary>
public sealed class MlflowClientTests(ClientsSandbox sandbox) : IClassFixture<ClientsSandbox>, IAsyncLifetime
{
    private ClientHost _host = null!;

    private IMlflowApi Mlflow => _host.Get<IMlflowApi>();

    public async Task InitializeAsync() => _host = await ClientHost.StartAsync(sandbox.Settings(), b => b.AddMlflowClient());

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private static string Unique(string prefix) => $"{prefix}_{Guid.NewGuid():N}"[..(prefix.Length + 9)];

    [Fact]
    public async Task Should_create_read_update_tag_and_delete_a_registered_model()
    {
        var name = Unique("cnn_classifier");

        var created = (await Mlflow.CreateRegisteredModelAsync(new CreateRegisteredModelRequest { Name = name, Tags = [new MlflowTag { Key = "team", Value = "mlops" }], Description = "first" })).RegisteredModel;
        await Mlflow.UpdateRegisteredModelAsync(new UpdateRegisteredModelRequest { Name = name, Description = "second" });
        await Mlflow.SetRegisteredModelTagAsync(new SetRegisteredModelTagRequest { Name = name, Key = "stage", Value = "demo" });
        var read = (await Mlflow.GetRegisteredModelAsync(name)).RegisteredModel;
        await Mlflow.DeleteRegisteredModelAsync(new RegisteredModelNameRequest { Name = name });

        Assert.Equal(name, created.Name);
        Assert.NotNull(created.CreationTimestamp);
        Assert.Equal("second", read.Description);
        Assert.Equal(["stage=demo", "team=mlops"], read.Tags.Select(t => $"{t.Key}={t.Value}").Order());
        Assert.Null(await Mlflow.FindRegisteredModelAsync(name));
    }

    [Fact]
    public async Task Should_parse_mlflow_s_error_body_from_the_refit_exception()
    {
        var name = Unique("dup");
        await Mlflow.CreateRegisteredModelAsync(new CreateRegisteredModelRequest { Name = name });

        var exists = await Assert.ThrowsAsync<ApiException>(() => Mlflow.CreateRegisteredModelAsync(new CreateRegisteredModelRequest { Name = name }));
        var missing = await Assert.ThrowsAsync<ApiException>(() => Mlflow.GetModelVersionAsync(name, "42"));

        Assert.Equal(HttpStatusCode.BadRequest, exists.StatusCode);
        Assert.Equal(MlflowErrorCode.ResourceAlreadyExists, exists.MlflowError()!.ErrorCode);
        Assert.Contains(name, exists.MlflowError()!.Message, StringComparison.Ordinal);
        Assert.True(missing.IsResourceDoesNotExist());
        Assert.Null(await Mlflow.FindModelVersionAsync(name, "42"));
    }

    [Fact]
    public async Task Should_page_through_registered_models_and_model_versions()
    {
        var prefix = Unique("paged");
        foreach (var i in Enumerable.Range(0, 3))
            await Mlflow.CreateRegisteredModelAsync(new CreateRegisteredModelRequest { Name = $"{prefix}-{i}" });
        foreach (var i in Enumerable.Range(0, 3))
            await Mlflow.CreateModelVersionAsync(new CreateModelVersionRequest { Name = $"{prefix}-0", Source = $"s3://mlflow/0/r{i}/artifacts/model" });

        var firstPage = await Mlflow.SearchRegisteredModelsAsync($"name LIKE '{prefix}-%'", maxResults: 2, orderBy: ["name DESC"]);
        var models = await Mlflow.SearchAllRegisteredModelsAsync($"name LIKE '{prefix}-%'", pageSize: 2).ToListAsync();
        var versions = await Mlflow.SearchAllModelVersionsAsync($"name='{prefix}-0'", pageSize: 2).ToListAsync();

        Assert.Equal([$"{prefix}-2", $"{prefix}-1"], firstPage.RegisteredModels.Select(m => m.Name));
        Assert.False(string.IsNullOrEmpty(firstPage.NextPageToken));
        Assert.Equal(3, models.Count);
        Assert.Equal(["1", "2", "3"], versions.Select(v => v.Version).Order());
    }

    [Fact]
    public async Task Should_register_a_version_and_follow_it_to_ready_with_tags_stage_alias_and_download_uri()
    {
        var name = Unique("cnn_classifier");
        await Mlflow.CreateRegisteredModelAsync(new CreateRegisteredModelRequest { Name = name });
        var experiment = (await Mlflow.CreateExperimentAsync(new CreateExperimentRequest { Name = Unique("exp") })).ExperimentId;
        var run = (await Mlflow.CreateRunAsync(new CreateRunRequest { ExperimentId = experiment, RunName = "train" })).Run;
        var source = $"{run.Info.ArtifactUri}/model";

        var created = (await Mlflow.CreateModelVersionAsync(new CreateModelVersionRequest
        {
            Name = name, Source = source, RunId = run.Info.RunId, Tags = [new MlflowTag { Key = "arch", Value = "vgg16" }], Description = "v1",
        })).ModelVersion;
        var ready = await Eventually.ReturnsAsync(async () => await Mlflow.FindModelVersionAsync(name, created.Version) is { IsReady: true } v ? v : null, "the version to be READY");
        await Mlflow.SetModelVersionTagAsync(new SetModelVersionTagRequest { Name = name, Version = ready.Version, Key = "gate", Value = "passed" });
        await Mlflow.UpdateModelVersionAsync(new UpdateModelVersionRequest { Name = name, Version = ready.Version, Description = "promoted" });
        var staged = (await Mlflow.TransitionStageAsync(new TransitionStageRequest { Name = name, Version = ready.Version, Stage = "Production", ArchiveExistingVersions = true })).ModelVersion;
        await Mlflow.SetAliasAsync(new SetAliasRequest { Name = name, Alias = "champion", Version = ready.Version });
        var byAlias = await Mlflow.FindModelVersionByAliasAsync(name, "champion");
        var uri = (await Mlflow.GetDownloadUriAsync(name, ready.Version)).ArtifactUri;
        var latest = (await Mlflow.GetLatestVersionsAsync(new GetLatestVersionsRequest { Name = name, Stages = ["Production"] })).ModelVersions;
        var byRun = (await Mlflow.SearchModelVersionsAsync($"run_id='{run.Info.RunId}'")).ModelVersions;
        await Mlflow.DeleteAliasAsync(new DeleteAliasRequest { Name = name, Alias = "champion" });

        Assert.Equal(MlflowModelVersionStatus.PendingRegistration, created.Status);
        Assert.Equal("1", created.Version);
        Assert.Equal("Production", staged.CurrentStage);
        Assert.Equal(ready.Version, byAlias!.Version);
        Assert.Contains("champion", byAlias.Aliases);
        Assert.Equal(["arch=vgg16", "gate=passed"], byAlias.Tags.Select(t => $"{t.Key}={t.Value}").Order());
        Assert.Equal("promoted", byAlias.Description);
        Assert.Equal(source, uri);
        Assert.Equal(ready.Version, latest.Single().Version);
        Assert.Equal(name, byRun.Single().Name);
        Assert.Null(await Mlflow.FindModelVersionByAliasAsync(name, "champion"));
    }

    [Fact]
    public async Task Should_find_or_create_an_experiment_and_run_it_with_params_metrics_and_tags()
    {
        var experimentName = Unique("training");
        Assert.Null(await Mlflow.FindExperimentByNameAsync(experimentName));
        var id = (await Mlflow.CreateExperimentAsync(new CreateExperimentRequest { Name = experimentName, Tags = [new MlflowTag { Key = "owner", Value = "mlops" }] })).ExperimentId;
        var experiment = await Mlflow.FindExperimentByNameAsync(experimentName);
        var flowId = Guid.NewGuid().ToString();

        var run = (await Mlflow.CreateRunAsync(new CreateRunRequest
        {
            ExperimentId = id, RunName = "vgg16", StartTime = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), Tags = [new MlflowTag { Key = "mlops.flow_id", Value = flowId }],
        })).Run;
        await Mlflow.LogBatchAsync(new LogBatchRequest
        {
            RunId = run.Info.RunId,
            Params = [new MlflowParam { Key = "epochs", Value = "5" }],
            Metrics = [new MlflowMetric { Key = "accuracy", Value = 0.91, Timestamp = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), Step = 4 }],
        });
        await Mlflow.SetRunTagAsync(new SetRunTagRequest { RunId = run.Info.RunId, Key = "mlops.stack", Value = "homelab" });
        var finished = (await Mlflow.UpdateRunAsync(new UpdateRunRequest { RunId = run.Info.RunId, Status = MlflowRunStatus.Finished, EndTime = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() })).RunInfo;
        var read = await Mlflow.FindRunAsync(run.Info.RunId);
        var found = await Mlflow.SearchRunsAsync(new SearchRunsRequest { ExperimentIds = [id], Filter = $"tags.`mlops.flow_id` = '{flowId}'", MaxResults = 10 });

        Assert.Equal(id, experiment!.ExperimentId);
        Assert.Equal("mlops", experiment.Tags.Single(t => t.Key == "owner").Value);
        Assert.Equal(MlflowRunStatus.Running, run.Info.Status);
        Assert.Equal(MlflowRunStatus.Finished, finished.Status);
        Assert.Equal("5", read!.Data.Params.Single().Value);
        Assert.Equal(0.91, read.Data.Metrics.Single().Value);
        Assert.Equal(4, read.Data.Metrics.Single().Step);
        Assert.Contains(read.Data.Tags, t => t is { Key: "mlops.stack", Value: "homelab" });
        Assert.Equal(run.Info.RunId, found.Runs.Single().Info.RunId);
        Assert.Null(await Mlflow.FindRunAsync("0123456789abcdef0123456789abcdef"));
    }

    [Fact]
    public async Task Should_manage_webhooks_on_a_server_that_has_them_and_test_a_delivery()
    {
        await using var receiver = await RecordedServer.StartAsync((http, _) => { http.Response.StatusCode = 200; return Task.CompletedTask; });
        Assert.True(await Mlflow.HasWebhookApiAsync());

        var created = (await Mlflow.CreateWebhookAsync(new CreateWebhookRequest
        {
            Name = "model-promoter", Url = new Uri(receiver.Url, "webhooks/mlflow").ToString(), Events = [MlflowWebhookEvents.ModelVersionCreated, MlflowWebhookEvents.ModelVersionAliasCreated],
            Secret = "webhook-secret",
        })).Webhook;
        var listed = (await Mlflow.ListWebhooksAsync()).Webhooks;
        var updated = (await Mlflow.UpdateWebhookAsync(created.WebhookId, new UpdateWebhookRequest { Description = "promotions", Status = "DISABLED" })).Webhook;
        var tested = (await Mlflow.TestWebhookAsync(created.WebhookId, new TestWebhookRequest { Event = MlflowWebhookEvents.ModelVersionCreated })).Result;
        await Mlflow.DeleteWebhookAsync(created.WebhookId);

        Assert.Equal([MlflowWebhookEvents.ModelVersionCreated, MlflowWebhookEvents.ModelVersionAliasCreated], created.Events);
        Assert.Equal("ACTIVE", created.Status);
        Assert.Contains(listed, w => w.WebhookId == created.WebhookId);
        Assert.Equal(("promotions", "DISABLED"), (updated.Description, updated.Status));
        Assert.True(tested.Success, tested.ErrorMessage);
        Assert.Equal(200, tested.ResponseStatus);
        Assert.Contains("/webhooks/mlflow", receiver.Requests.Single().PathAndQuery, StringComparison.Ordinal);
        Assert.Null(await Mlflow.FindWebhookAsync(created.WebhookId));
    }

    [Fact]
    public async Task Should_detect_the_server_s_version_and_health()
    {
        Assert.Equal(new Version(3, 1, 0), await Mlflow.DetectServerVersionAsync());
        Assert.Equal("OK", await Mlflow.GetHealthAsync());
    }
}
