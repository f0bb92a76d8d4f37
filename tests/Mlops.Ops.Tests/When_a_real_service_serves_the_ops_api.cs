extern alias modelpromoter;
extern alias provisioner;
extern alias trainingcoordinator;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Mlops.ServiceDefaults.Ops;
using Mlops.Testing;

namespace Mlops.Ops.Tests;

/// <summary>Each real service's Program serves the ops API through ServiceDefaults, behind its tokens, over its own sagas.</summary>
public sealed class When_a_real_service_serves_the_ops_api : IAsyncLifetime
{
    private const string Token = "ops-team-token-00000001";
    private RabbitMqVirtualHost _vhost = null!;

    public async Task InitializeAsync() => _vhost = await RabbitMqVirtualHost.CreateAsync("ops-services");

    public async Task DisposeAsync() => await _vhost.DisposeAsync();

    public static TheoryData<string> Services => ["provisioner", "training-coordinator", "model-promoter"];

    [Theory]
    [MemberData(nameof(Services))]
    public async Task Should_answer_with_its_own_name_and_sagas_for_a_token_and_401_without(string service)
    {
        await using var host = Start(service);
        using var client = host.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/ops/sagas")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);

        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        var page = await client.GetFromJsonAsync<JsonElement>("/ops/sagas");
        Assert.Equal(service, page.GetProperty("service").GetString());
        foreach (var type in host.Services.GetRequiredService<OpsSagaTypes>().Names)
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/ops/sagas?type={type}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync($"/ops/sagas/{Guid.NewGuid()}/replay", null)).StatusCode);
    }

    [Fact]
    public async Task Should_drive_the_TrainingCoordinators_training_runs()
    {
        await using var host = Start("training-coordinator");
        Assert.Contains("TrainingRunState", host.Services.GetRequiredService<OpsSagaTypes>().Names);
    }

    private IAsyncServiceHost Start(string service)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Ops:Tokens:ops-team"] = Token,
            // Each needs its outside systems named to start; nothing here makes it call them (port 9 answers nothing).
            ["Kubernetes:Server"] = "http://127.0.0.1:9",
            ["Minio:Endpoint"] = "http://127.0.0.1:9",
            ["Minio:AccessKey"] = "unused",
            ["Minio:SecretKey"] = "unused-secret",
            ["Mlflow:Url"] = "http://127.0.0.1:9",
        };
        return service switch
        {
            "provisioner" => new Host<provisioner::Program>(new ServiceHost<provisioner::Program>(_vhost.AmqpUrl, settings)),
            "training-coordinator" => new Host<trainingcoordinator::Program>(new ServiceHost<trainingcoordinator::Program>(_vhost.AmqpUrl, settings)),
            "model-promoter" => new Host<modelpromoter::Program>(new ServiceHost<modelpromoter::Program>(_vhost.AmqpUrl, settings)),
            _ => throw new ArgumentOutOfRangeException(nameof(service), service, null),
        };
    }

    /// <summary>A started real service, whichever Program it runs.</summary>
    private interface IAsyncServiceHost : IAsyncDisposable
    {
        IServiceProvider Services { get; }

        HttpClient CreateClient();
    }

    private sealed class Host<TProgram>(ServiceHost<TProgram> host) : IAsyncServiceHost
        where TProgram : class
    {
        public IServiceProvider Services => host.Services;

        public HttpClient CreateClient() => host.CreateClient();

        public ValueTask DisposeAsync() => host.DisposeAsync();
    }
}
