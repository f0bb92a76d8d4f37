using Mlops.Testing;

namespace Mlops.Run.Tests;

/// <summary>
/// <c>./run.sh --once --fresh</c> whose training script refuses its arguments (<c>--learning_rate fast</c>, given through
/// <c>MLOPS_RUN_TRAINING_PARAMETERS</c>): the run ends non-zero, naming the failed saga, its step and the script's error.
/// </summary>
[Collection(RunCollection.Name)]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class When_the_training_fails(FailingRun run) : IClassFixture<FailingRun>
{
    [Fact]
    public void Should_exit_1_with_the_failed_step_and_its_reason()
    {
        Assert.True(run.ExitCode == 1, $"run.sh exited {run.ExitCode}:\n{run.Output}");
        var failure = Assert.Single(run.Lines, l => l.StartsWith("FAILED after ", StringComparison.Ordinal));
        Assert.Contains("training-coordinator TrainingRunState", failure, StringComparison.Ordinal);
        Assert.Contains(" at step ", failure, StringComparison.Ordinal);
        Assert.Contains("invalid float value: 'fast'", failure, StringComparison.Ordinal);
        Assert.DoesNotContain(run.Lines, l => l.StartsWith("ServingRolloutComplete", StringComparison.Ordinal));
    }

    [Fact]
    public void Should_leave_no_process_and_no_port_behind()
    {
        Assert.Empty(run.ProcessesOfTheRun());
        Assert.All(Enumerable.Range(run.PortBase, 20), port => Assert.True(LoopbackPorts.IsFree(port), $"port {port} still taken"));
    }
}
