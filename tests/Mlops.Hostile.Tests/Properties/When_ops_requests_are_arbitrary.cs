extern alias provisioner;
extern alias trainingcoordinator;

using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using CsCheck;
using Mlops.Provisioner.Stacks;
using Mlops.Testing;

namespace Mlops.Hostile.Tests.Properties;

/// <summary>
/// The ops API's request validation on the real Programs (in process, over the real broker): arbitrary training requests
/// and arbitrary stack files are answered 202 or 400 with problem+json naming what is wrong, never a server error.
/// </summary>
public sealed class When_ops_requests_are_arbitrary : IAsyncLifetime
{
    private const string Token = "hostile-ops-token-0000001";
    private const long Runs = 80;

    private static readonly string[] TrainingNames =
    [
        "stackName", "modelName", "experimentName", "image", "command", "parameters", "trainingId", "runner", "epochs", "resources",
    ];

    private RabbitMqVirtualHost _vhost = null!;
    private ServiceHost<trainingcoordinator::Program> _coordinator = null!;
    private ServiceHost<provisioner::Program> _provisioner = null!;

    public async Task InitializeAsync()
    {
        _vhost = await RabbitMqVirtualHost.CreateAsync("hostile-ops");
        _coordinator = new ServiceHost<trainingcoordinator::Program>(_vhost.AmqpUrl, HostileServices.Outside(Token)).Start();
        _provisioner = new ServiceHost<provisioner::Program>(_vhost.AmqpUrl, HostileServices.Outside(Token)).Start();
    }

    public async Task DisposeAsync()
    {
        await _coordinator.DisposeAsync();
        await _provisioner.DisposeAsync();
        await _vhost.DisposeAsync();
    }

    [Fact]
    public async Task Should_answer_arbitrary_training_requests_with_202_or_a_400_that_names_the_field()
    {
        using var client = Client(_coordinator.CreateClient());
        var body = Gen.Frequency(
            (4, JsonShapes.Document(TrainingNames).Select(json => "{\"stackName\":\"homelab\",\"image\":\"train:1\"," + (json.StartsWith('{') && json.Length > 2 ? json[1..] : "\"x\":" + json + "}"))),
            (2, JsonShapes.Document(TrainingNames)),
            (1, HostileText.Any));
        await body.SampleAsync(async json =>
        {
            using var response = await client.PostAsync("/ops/training", new StringContent(json, Encoding.UTF8, "application/json"));
            if (response.StatusCode == HttpStatusCode.Accepted)
                return;
            await HostileServices.ProblemAsync(response, 400);
        }, iter: Runs, threads: 1);
    }

    [Fact]
    public async Task Should_answer_an_arbitrary_stack_file_it_cannot_read_with_a_400_per_field()
    {
        using var client = Client(_provisioner.CreateClient());
        await YamlShapes.Any.Where(text => !string.IsNullOrWhiteSpace(text) && !Parses(text)).SampleAsync(async text =>
        {
            using var response = await client.PostAsync("/ops/stacks?dryRun=true", new StringContent(text, Encoding.UTF8, "application/yaml"));
            var problem = await HostileServices.ProblemAsync(response, 400);
            Assert.NotEmpty(problem.GetProperty("errors").EnumerateObject());
        }, iter: Runs, threads: 1);
    }

    private static bool Parses(string text)
    {
        try
        {
            StackFile.Parse(text);
            return true;
        }
        catch (StackFileException)
        {
            return false;
        }
    }

    private static HttpClient Client(HttpClient client)
    {
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        return client;
    }
}
