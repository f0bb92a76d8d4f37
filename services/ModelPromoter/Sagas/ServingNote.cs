namespace Mlops.ModelPromoter.Sagas;

/// <summary>What the saga made of a command it could not act on (a rollback with nowhere to go back to), for the ops API.</summary>
public sealed record ServingNote
{
    public required string Command { get; init; }

    public required string Text { get; init; }

    public required DateTimeOffset At { get; init; }
}
