using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Mlops.Ops.Tests;

/// <summary>Every ops endpoint needs the bearer token of a configured owner; health and metrics stay open.</summary>
public sealed class When_a_request_has_no_valid_token(OpsHostFixture fixture) : IClassFixture<OpsHostFixture>
{
    private OpsHost Host => fixture.Host;

    public static TheoryData<string, string> Endpoints => new()
    {
        { "GET", "ops/sagas" },
        { "GET", $"ops/sagas/{Guid.NewGuid()}" },
        { "POST", $"ops/sagas/{Guid.NewGuid()}/replay" },
        { "POST", $"ops/sagas/{Guid.NewGuid()}/cancel" },
        { "GET", $"ops/flows/{Guid.NewGuid()}" },
        { "POST", "ops/pools/lab-1/reservations" },
    };

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task Should_answer_401_without_a_token(string method, string path)
    {
        using var client = Host.Client(token: null);
        using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
        var problem = await Problem.ReadAsync(response, 401);
        Assert.Contains("Bearer", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
    }

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task Should_answer_401_for_a_wrong_token(string method, string path)
    {
        using var client = Host.Client(OpsHost.AliceToken + "x");
        using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
        await Problem.ReadAsync(response, 401);
    }

    [Fact]
    public async Task Should_answer_401_for_a_token_in_another_scheme_or_a_part_of_a_token()
    {
        using var client = Host.Client(token: null);
        foreach (var header in new[]
                 {
                     new AuthenticationHeaderValue("Basic", OpsHost.AliceToken),
                     new AuthenticationHeaderValue("Bearer", OpsHost.AliceToken[..^1]),
                     new AuthenticationHeaderValue("Bearer", ""),
                 })
        {
            client.DefaultRequestHeaders.Authorization = header;
            using var response = await client.GetAsync("ops/sagas");
            await Problem.ReadAsync(response, 401);
        }
    }

    [Fact]
    public async Task Should_let_each_owner_in_with_their_own_token()
    {
        foreach (var token in new[] { OpsHost.AliceToken, OpsHost.CiBotToken })
        {
            using var client = Host.Client(token);
            var page = await client.GetFromJsonAsync<JsonElement>("ops/sagas");
            Assert.Equal("ops-probe", page.GetProperty("service").GetString());
        }
    }

    [Fact]
    public async Task Should_keep_health_and_metrics_open()
    {
        using var client = Host.Client(token: null);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("metrics")).StatusCode);
        await Mlops.Testing.Eventually.HoldsAsync(async () => (await client.GetAsync("health/ready")).StatusCode == HttpStatusCode.OK, "ready");
    }
}
