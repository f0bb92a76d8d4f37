extern alias provisioner;
extern alias trainingcoordinator;

using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Mlops.ModelPromoter.Tests.Promotion;
using Mlops.Testing;

namespace Mlops.Dashboard.Tests;

/// <summary>
/// What an operator has: the three real services on real loopback ports behind one ops token — the ModelPromoter on the
/// sandbox (Kubernetes, MLflow, MinIO stand-ins) with a stack announced, the Provisioner and TrainingCoordinator on a vhost
/// of their own — the real <c>mlopsctl dashboard</c> process pointed at them and RabbitMQ's management API, and Chromium.
/// </summary>
public sealed class DashboardWorld : IAsyncLifetime
{
    public const string Owner = "night-operator";

    public const string Token = "night-operator-token-0123456789";

    private RabbitMqVirtualHost? _othersVhost;
    // The Provisioner and TrainingCoordinator hosts, stopped last to first.
    private readonly List<IAsyncDisposable> _services = [];

    public PromoterSandbox Sandbox { get; } = new();

    public PromoterRig Rig { get; private set; } = null!;

    public string StackName { get; private set; } = "";

    public Uri ProvisionerUrl { get; private set; } = null!;

    public Uri TrainingCoordinatorUrl { get; private set; } = null!;

    public DashboardProcess Dashboard { get; private set; } = null!;

    public DashboardBrowser Browser { get; private set; } = null!;

    /// <summary>The settings the dashboard reads, as the environment gives them; tests start more dashboards with changes.</summary>
    public Dictionary<string, string> DashboardEnvironment() => new()
    {
        ["MLOPS_PROVISIONER_URL"] = ProvisionerUrl.ToString(),
        ["MLOPS_TRAINING_COORDINATOR_URL"] = TrainingCoordinatorUrl.ToString(),
        ["MLOPS_MODEL_PROMOTER_URL"] = Rig.Url!.ToString(),
        ["MLOPS_TOKEN"] = Token,
        ["MLOPS_RABBITMQ_MANAGEMENT_URL"] = TestEnvironment.RabbitMqManagementUrl.ToString(),
    };

    public async Task InitializeAsync()
    {
        await Sandbox.InitializeAsync();
        Rig = await PromoterRig.StartAsync(Sandbox, new Dictionary<string, string?> { [$"Ops:Tokens:{Owner}"] = Token }, listen: true);
        StackName = (await Rig.StackAsync()).StackName;

        _othersVhost = await RabbitMqVirtualHost.CreateAsync("dashboard");
        var settings = new Dictionary<string, string?>
        {
            [$"Ops:Tokens:{Owner}"] = Token,
            // Named so they start; their sagas are not driven here, so nothing calls them (port 9 answers nothing).
            ["Kubernetes:Server"] = "http://127.0.0.1:9",
            ["Minio:Endpoint"] = "http://127.0.0.1:9",
            ["Minio:AccessKey"] = "unused",
            ["Minio:SecretKey"] = "unused-secret",
            ["Mlflow:Url"] = "http://127.0.0.1:9",
        };
        ProvisionerUrl = Listen(new ServiceHost<provisioner::Program>(_othersVhost.AmqpUrl, settings));
        TrainingCoordinatorUrl = Listen(new ServiceHost<trainingcoordinator::Program>(_othersVhost.AmqpUrl, settings));

        Dashboard = await DashboardProcess.StartAsync(DashboardEnvironment(), "--vhost", Sandbox.VirtualHost.Name);
        Browser = await DashboardBrowser.LaunchAsync();
    }

    private Uri Listen<TProgram>(ServiceHost<TProgram> host)
        where TProgram : class
    {
        _services.Add(host);
        host.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        host.Start();
        return new Uri(host.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First());
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
            await Browser.DisposeAsync();
        if (Dashboard is not null)
            await Dashboard.DisposeAsync();
        foreach (var service in Enumerable.Reverse(_services))
            await service.DisposeAsync();
        if (_othersVhost is not null)
            await _othersVhost.DisposeAsync();
        if (Rig is not null)
            await Rig.DisposeAsync();
        await Sandbox.DisposeAsync();
    }
}
