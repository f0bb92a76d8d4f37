using Microsoft.Extensions.DependencyInjection;
using Mlops.SagaSteps.Tests.ModelHome;
using Mlops.Testing;

namespace Mlops.SagaSteps.Tests;

/// <summary>Without a saga to wait in, the endpoint pipeline decides: a 404 goes to the error queue at once, untried again.</summary>
public sealed class When_a_consumer_without_a_saga_meets_the_same_errors(SandboxFixture sandbox) : IClassFixture<SandboxFixture>
{
    [Fact]
    public async Task Should_send_a_404_to_the_error_queue_after_one_attempt()
    {
        await using var host = await StepHost.StartAsync(sandbox);
        var model = "absent-" + Guid.NewGuid().ToString("N")[..8];
        await host.PublishAsync(new LookUpModel { ModelName = model });

        await Eventually.HoldsAsync(async () => await host.MessagesInAsync(host.ErrorQueueOf<ModelLookupConsumer>()) == 1, "the lookup in its error queue");
        Assert.Equal(1, host.Services.GetRequiredService<ModelLookupConsumer.Attempts>().Of(model));
    }
}
