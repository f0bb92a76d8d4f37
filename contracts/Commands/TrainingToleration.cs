namespace Mlops.Contracts;

/// <summary>A taint the training pod tolerates, as in a pod spec.</summary>
public sealed record TrainingToleration
{
    public required string Key { get; init; }

    /// <summary><c>Equal</c> (with <see cref="Value"/>) or <c>Exists</c>.</summary>
    public string Operator { get; init; } = "Exists";

    public string? Value { get; init; }

    /// <summary><c>NoSchedule</c>, <c>PreferNoSchedule</c>, <c>NoExecute</c>, or null for all.</summary>
    public string? Effect { get; init; }
}
