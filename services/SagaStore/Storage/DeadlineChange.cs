namespace Mlops.SagaStore.Storage;

/// <summary>A deadline set (At and EventType given) or cleared (both null) by a transition.</summary>
internal sealed record DeadlineChange(DateTimeOffset? At, string? EventType)
{
    public static readonly DeadlineChange Clear = new(null, null);
}
