namespace Mlops.Sandbox.Kubernetes.Pods;

/// <summary>An HTTP request to a container port: a probe, or one forwarded by the service proxy.</summary>
public sealed record ContainerRequest(int Port, string Method, string PathAndQuery, string? ContentType, ReadOnlyMemory<byte> Body);
