using MassTransit;
using Microsoft.Extensions.Configuration;
using Mlops.SagaSteps.Tests.ModelHome;
using Mlops.ServiceDefaults.Sagas;

namespace Mlops.SagaSteps.Tests;

/// <summary>Mistakes in declaring steps are refused when the state machine is built, with what to do instead.</summary>
public sealed class SagaStepConfigurationTests
{
    private static readonly SagaStep<ModelHomeState> ProbeStep = new("probe", _ => Task.CompletedTask);

    [Fact]
    public void Should_refuse_a_step_bound_before_UseSagaSteps()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => new WithoutPolicy());
        Assert.Contains("UseSagaSteps", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_refuse_a_step_bound_twice()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => new BoundTwice());
        Assert.Contains("'probe' is bound twice", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void Should_refuse_a_step_without_a_name(string name) =>
        Assert.Throws<ArgumentException>(() => new SagaStep<ModelHomeState>(name, _ => Task.CompletedTask));

    [Fact]
    public void Should_double_the_wait_from_First_up_to_Max()
    {
        var settings = Read(new() { ["Sagas:StepRetry:First"] = "00:00:05", ["Sagas:StepRetry:Max"] = "00:02:00" });
        Assert.Equal(
            [5, 10, 20, 40, 80, 120, 120],
            Enumerable.Range(1, 7).Select(a => (int)settings.DelayAfter(a).TotalSeconds));
        Assert.Equal(TimeSpan.FromMinutes(2), settings.DelayAfter(1_000));
    }

    [Fact]
    public void Should_default_to_5_seconds_doubling_to_2_minutes()
    {
        var settings = Read([]);
        Assert.Equal(TimeSpan.FromSeconds(5), settings.First);
        Assert.Equal(TimeSpan.FromMinutes(2), settings.Max);
    }

    [Theory]
    [InlineData("First", "soon")]
    [InlineData("First", "-00:00:01")]
    [InlineData("Max", "00:00:00")]
    public void Should_refuse_a_malformed_setting_naming_the_key(string key, string value)
    {
        var ex = Assert.Throws<InvalidOperationException>(() => Read(new() { [$"Sagas:StepRetry:{key}"] = value }));
        Assert.Contains($"Sagas:StepRetry:{key}", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_refuse_a_Max_shorter_than_First()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => Read(new() { ["Sagas:StepRetry:First"] = "00:01:00", ["Sagas:StepRetry:Max"] = "00:00:10" }));
        Assert.Contains("Max", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_say_why_a_replay_would_change_nothing()
    {
        var machine = new ModelHomeStateMachine(new ModelHomeTimings(TimeSpan.FromMinutes(1)));
        var saga = new ModelHomeState { CorrelationId = Guid.NewGuid() };
        Assert.Contains("is in state Ready, not Failed", machine.ReplayRefusal(saga, "Ready"), StringComparison.Ordinal);
        Assert.Contains("no failed step is recorded", machine.ReplayRefusal(saga, "Failed"), StringComparison.Ordinal);
        saga.FailedStep = new SagaStepFailure { Step = "renamed-since", Reason = "x", State = "FindingModel", Kind = "Permanent" };
        Assert.Contains("which this build does not have", machine.ReplayRefusal(saga, "Failed"), StringComparison.Ordinal);
        saga.FailedStep.Step = "find-model";
        Assert.Null(machine.ReplayRefusal(saga, "Failed"));
    }

    private static SagaStepRetrySettings Read(Dictionary<string, string?> values) =>
        SagaStepRetrySettings.Read(new ConfigurationBuilder().AddInMemoryCollection(values).Build());

    private sealed class WithoutPolicy : MassTransitStateMachine<ModelHomeState>
    {
        public WithoutPolicy()
        {
            InstanceState(x => x.CurrentState);
            During(Waiting, When(Waiting.Enter).Step(ProbeStep));
        }

        public State Waiting { get; private set; } = null!;
    }

    private sealed class BoundTwice : MassTransitStateMachine<ModelHomeState>
    {
        public BoundTwice()
        {
            InstanceState(x => x.CurrentState);
            this.UseSagaSteps(Failed);
            During(Waiting, When(Waiting.Enter).Step(ProbeStep));
            During(Other, When(Other.Enter).Step(ProbeStep));
        }

        public State Waiting { get; private set; } = null!;
        public State Other { get; private set; } = null!;
        public State Failed { get; private set; } = null!;
    }
}
