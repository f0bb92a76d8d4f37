namespace Mlops.Chaos.Tests;

/// <summary>One flow event as it reached the suite's own queue, with the MassTransit message id that makes a redelivery recognisable.</summary>
public sealed record ObservedEvent(string Type, Guid MessageId, Guid FlowId, string? Model, string? Version, DateTimeOffset At, string? Reason);
