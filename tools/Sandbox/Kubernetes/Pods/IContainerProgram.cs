namespace Mlops.Sandbox.Kubernetes.Pods;

/// <summary>
/// What a container does once the sandbox's kubelet starts it: the model server, MinIO, MLflow, or any other program a
/// stand-in acts out. The kubelet asks every registered program in order; the first that recognises the container runs it.
/// </summary>
public interface IContainerProgram
{
    /// <summary>Starts the process for <paramref name="launch"/>, or returns null when the container is not this program's.</summary>
    IContainerProcess? Start(ContainerLaunch launch);
}
