namespace Mlops.Sandbox.Kubernetes.Controllers;

/// <summary>Namespace and name of an object a controller reconciles.</summary>
public sealed record ObjectKey(string? Namespace, string Name);
