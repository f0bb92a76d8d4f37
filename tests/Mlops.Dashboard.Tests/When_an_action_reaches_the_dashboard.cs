using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Mlops.Contracts;

namespace Mlops.Dashboard.Tests;

/// <summary>
/// The dashboard's actions over HTTP: a refusal of the service comes back with its reason; a request that did not come
/// from the dashboard's own page (no action header, a foreign origin, a host name it was not given) is refused, so
/// another web page cannot act with the dashboard's token, also through a DNS name rebound to its address.
/// </summary>
[Collection(DashboardCollection.Name)]
public sealed class When_an_action_reaches_the_dashboard(DashboardWorld world)
{
    private const string ActionHeader = "X-Mlops-Dashboard";

    [Fact]
    public async Task Should_pass_on_the_services_409_with_its_reason_for_a_saga_that_is_not_failed()
    {
        using var http = new HttpClient { BaseAddress = world.Dashboard.Url };
        var stack = SagaIds.ForStack(world.StackName);

        var (status, message) = await PostAsync(http, $"api/services/model-promoter/sagas/{stack}/replay?type=KnownStackState", (ActionHeader, "1"));

        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.StartsWith("model-promoter answered 409: ", message, StringComparison.Ordinal);
        Assert.Contains($"KnownStackState {stack}", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_answer_404_with_a_reason_for_a_saga_no_service_has_and_400_for_an_unknown_service()
    {
        using var http = new HttpClient { BaseAddress = world.Dashboard.Url };

        var (missing, why) = await PostAsync(http, $"api/services/training-coordinator/sagas/{Guid.NewGuid()}/replay", (ActionHeader, "1"));
        Assert.Equal(HttpStatusCode.NotFound, missing);
        Assert.Contains("No saga", why, StringComparison.Ordinal);
        var (unknown, _) = await PostAsync(http, $"api/services/scheduler/sagas/{Guid.NewGuid()}/replay", (ActionHeader, "1"));
        Assert.Equal(HttpStatusCode.BadRequest, unknown);
        var (badVersion, _) = await PostAsync(http, "api/models/cnn_classifier/versions/seven/approve", (ActionHeader, "1"));
        Assert.Equal(HttpStatusCode.BadRequest, badVersion);
    }

    [Fact]
    public async Task Should_refuse_an_action_without_the_pages_header_from_a_foreign_origin_or_for_a_foreign_host_name()
    {
        using var http = new HttpClient { BaseAddress = world.Dashboard.Url };
        var path = $"api/services/model-promoter/sagas/{Guid.NewGuid()}/replay";

        Assert.Equal(HttpStatusCode.Forbidden, (await PostAsync(http, path)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await PostAsync(http, path, (ActionHeader, "1"), ("Origin", "http://evil.example"))).Status);
        Assert.Equal(HttpStatusCode.MisdirectedRequest, (await PostAsync(http, path, (ActionHeader, "1"), ("Host", "rebound.example"))).Status);
        using var foreign = new HttpRequestMessage(HttpMethod.Get, "api/overview");
        foreign.Headers.Host = "rebound.example";
        Assert.Equal(HttpStatusCode.MisdirectedRequest, (await http.SendAsync(foreign)).StatusCode);

        // The page itself is served with a policy that allows only its own scripts, styles and requests.
        using var page = await http.GetAsync("/");
        Assert.Contains("script-src 'self'", page.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", page.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_answer_beyond_loopback_only_to_IP_addresses_and_the_names_allowed_when_it_was_started()
    {
        // Listening on every address, reached here over loopback with the Host header a browser would send.
        await using var open = await DashboardProcess.StartAsync(world.DashboardEnvironment(), "--bind", "0.0.0.0", "--allowed-host", "dashboard.lan");
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{open.Url.Port}/") };

        Assert.Equal(HttpStatusCode.OK, await OverviewStatusAsync(http, "192.0.2.10"));
        Assert.Equal(HttpStatusCode.OK, await OverviewStatusAsync(http, "[2001:db8::1]"));
        Assert.Equal(HttpStatusCode.OK, await OverviewStatusAsync(http, "DASHBOARD.lan"));
        Assert.Equal(HttpStatusCode.MisdirectedRequest, await OverviewStatusAsync(http, "rebound.example"));
        var (status, why) = await PostAsync(http, $"api/services/model-promoter/sagas/{Guid.NewGuid()}/replay", (ActionHeader, "1"), ("Host", "dashboard.lan.rebound.example"));
        Assert.Equal(HttpStatusCode.MisdirectedRequest, status);
        Assert.Equal("This dashboard answers only to loopback names and IP addresses and the names given with --allowed-host, not 'dashboard.lan.rebound.example'.", why);

        // On loopback an IP address that is not loopback is no name of this dashboard.
        using var local = new HttpClient { BaseAddress = world.Dashboard.Url };
        Assert.Equal(HttpStatusCode.MisdirectedRequest, await OverviewStatusAsync(local, "192.0.2.10"));

        await using var ipAsName = DashboardProcess.Launch(world.DashboardEnvironment(), "--port", "0", "--allowed-host", "10.0.0.7");
        Assert.Equal(2, await ipAsName.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains(ipAsName.Output, l => l.Contains("--allowed-host 10.0.0.7: give a DNS name", StringComparison.Ordinal));
    }

    private static async Task<HttpStatusCode> OverviewStatusAsync(HttpClient http, string host)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/overview");
        request.Headers.Host = host;
        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }

    private static async Task<(HttpStatusCode Status, string Message)> PostAsync(HttpClient http, string path, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path);
        foreach (var (name, value) in headers)
        {
            if (name == "Host")
                request.Headers.Host = value;
            else
                request.Headers.Add(name, value);
        }
        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (response.StatusCode, body.GetProperty("message").GetString() ?? "");
    }
}
