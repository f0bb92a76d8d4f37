using Mlops.Testing;

namespace Mlops.Run.Tests;

/// <summary>
/// <c>./run.sh</c> left running: the example of a model trained outside the product that it prints works when pasted
/// (MinIO's event for its MLmodel gets it served), and Ctrl-C stops everything the run started.
/// </summary>
[Collection(RunCollection.Name)]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class When_run_sh_is_stopped_with_ctrl_c(InterruptedRun run) : IClassFixture<InterruptedRun>
{
    [Fact]
    public void Should_serve_the_model_trained_outside_the_product_from_the_printed_example()
    {
        Assert.True(run.Failure is null, $"{run.Failure}\n--- the example printed:\n{run.LaptopOutput}\n--- run.sh printed:\n{run.Output}");
        Assert.Equal("2", run.LaptopVersionServed);
        Assert.Contains(run.Lines, l => l == "ServingRolloutComplete cnn_classifier 1");
    }

    [Fact]
    public void Should_exit_130_on_ctrl_c_and_leave_no_process_and_no_port_behind()
    {
        Assert.True(run.ExitCode == 130, $"run.sh exited {run.ExitCode}:\n{run.Output}");
        Assert.Contains(run.Lines, l => l == "[run] stopped");
        Assert.Empty(run.ProcessesOfTheRun());
        Assert.All(Enumerable.Range(run.PortBase, 20), port => Assert.True(LoopbackPorts.IsFree(port), $"port {port} still taken"));
    }
}
