namespace Mlops.Sandbox.Kubernetes.Pods;

/// <summary>A container's resolved start configuration: its environment and its command and args with <c>$(VAR)</c> expanded.</summary>
public sealed record ContainerConfig(IReadOnlyDictionary<string, string> Env, IReadOnlyList<string> Command, IReadOnlyList<string> Args);
