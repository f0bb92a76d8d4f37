namespace Mlops.Contracts;

/// <summary>What every message carries: the flow it belongs to and when it happened.</summary>
public interface IFlowMessage
{
    /// <summary>One id from the first command of a flow through to serving.</summary>
    Guid FlowId { get; }

    DateTimeOffset OccurredAt { get; }
}
