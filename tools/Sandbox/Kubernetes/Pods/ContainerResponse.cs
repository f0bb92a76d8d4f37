namespace Mlops.Sandbox.Kubernetes.Pods;

/// <summary>What a container answered on one of its ports.</summary>
public sealed record ContainerResponse(int StatusCode, string ContentType, ReadOnlyMemory<byte> Body);
