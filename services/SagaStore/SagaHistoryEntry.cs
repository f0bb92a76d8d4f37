namespace Mlops.SagaStore;

/// <summary>One line of a saga's audit trail: a transition, or a failed attempt when <see cref="Error"/> is set.</summary>
public sealed record SagaHistoryEntry
{
    /// <summary>
    /// Message header naming who asked for a command (set by the ops API from its token's name); a transition it causes is
    /// written with <c>Event</c> = <c>"ReplaySaga requested by alice"</c>.
    /// </summary>
    public const string RequestedByHeader = "Mlops-Requested-By";

    /// <summary>What separates the event name from who asked in <see cref="Event"/>.</summary>
    public const string RequestedBySeparator = " requested by ";

    /// <summary>The longest requester name kept in the history.</summary>
    public const int MaxRequesterLength = 100;

    /// <summary>Who asked for the message behind this line, when it came with <see cref="RequestedByHeader"/>.</summary>
    public string? RequestedBy
    {
        get
        {
            var at = Event.IndexOf(RequestedBySeparator, StringComparison.Ordinal);
            return at < 0 ? null : Event[(at + RequestedBySeparator.Length)..];
        }
    }

    /// <summary>The message type's name without who asked.</summary>
    public string EventName
    {
        get
        {
            var at = Event.IndexOf(RequestedBySeparator, StringComparison.Ordinal);
            return at < 0 ? Event : Event[..at];
        }
    }

    // The header comes off the bus: one printable line, bounded, whoever published it.
    internal static string CleanRequester(string who)
    {
        var clean = new string(who.Where(c => !char.IsControl(c)).ToArray()).Trim();
        return clean.Length <= MaxRequesterLength ? clean : clean[..MaxRequesterLength];
    }

    /// <summary>Position in the store's history; later entries have higher numbers.</summary>
    public required long Sequence { get; init; }
    public required string SagaType { get; init; }
    public required Guid CorrelationId { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }

    /// <summary>The message that caused the transition.</summary>
    public required string Event { get; init; }
    public string? FromState { get; init; }
    public string? ToState { get; init; }
    public Guid? MessageId { get; init; }
    public string? Error { get; init; }
}
