namespace Mlops.Ops.Tests;

/// <summary>One host shared by the tests of a class; each test works on sagas of its own.</summary>
public sealed class OpsHostFixture : IAsyncLifetime
{
    public OpsHost Host { get; private set; } = null!;

    public async Task InitializeAsync() => Host = await OpsHost.StartAsync();

    public async Task DisposeAsync() => await Host.DisposeAsync();
}
