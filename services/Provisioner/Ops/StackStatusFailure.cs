namespace Mlops.Provisioner.Ops;

/// <summary>The step a stack failed at and the reason, masked as every ops answer.</summary>
public sealed record StackStatusFailure(string? Step, string? Reason);
