namespace Mlops.Sandbox.Kubernetes.Patching;

/// <summary>A patch that cannot be applied to the stored object; the API answers 422 as the real server does.</summary>
public sealed class KubernetesPatchException(string message) : Exception(message);
