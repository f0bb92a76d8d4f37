namespace Mlops.Ops.Tests.Reservations;

/// <summary>A Kubernetes-style environment entry: its name says whether its value is secret.</summary>
public sealed class EnvironmentValue
{
    public required string Name { get; set; }
    public required string Value { get; set; }
}
