namespace Mlops.Sandbox.Kubernetes.Pods;

/// <summary>How one run of a container ended, as <c>state.terminated</c> and <c>lastState.terminated</c> report it.</summary>
public sealed record TerminatedState(int ExitCode, string Reason, string? Message, DateTimeOffset StartedAt, DateTimeOffset FinishedAt, string ContainerId);
