namespace Mlops.Ops.Tests;

/// <summary>A binding as the management API lists it.</summary>
public sealed record TopologyBinding(string Source, string Destination, string DestinationType, string RoutingKey)
{
    public override string ToString() => $"{Source} → {DestinationType} {Destination}" + (RoutingKey.Length > 0 ? $" ({RoutingKey})" : "");
}
