namespace Mlops.Contracts;

/// <summary>One thing found different from the stack's description when it was checked again, and whether it was put back.</summary>
public sealed record StackDrift
{
    /// <summary>The step that found it: <c>secrets</c>, <c>components</c>, <c>buckets</c>, <c>notifications</c>, <c>mlflow</c>.</summary>
    public required string Step { get; init; }

    /// <summary>What was found, e.g. <c>bucket mlflow: the notification to arn:minio:sqs::MLOPS:amqp was missing</c>.</summary>
    public required string Description { get; init; }

    /// <summary>False when it could not be put back; the stack is then failed with the reason.</summary>
    public required bool Repaired { get; init; }
}
