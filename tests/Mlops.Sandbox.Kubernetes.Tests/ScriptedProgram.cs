using System.Collections.Concurrent;
using Mlops.Sandbox.Kubernetes.Pods;

namespace Mlops.Sandbox.Kubernetes.Tests;

/// <summary>A container program for tests: runs containers of one image as the given function makes their processes.</summary>
public sealed class ScriptedProgram(string image, Func<ContainerLaunch, IContainerProcess> start) : IContainerProgram
{
    public string Image { get; } = image;

    /// <summary>Every start of a container of this image, in order.</summary>
    public ConcurrentQueue<ContainerLaunch> Launches { get; } = new();

    public IContainerProcess? Start(ContainerLaunch launch)
    {
        if (launch.Image != Image)
            return null;
        Launches.Enqueue(launch);
        return start(launch);
    }
}
