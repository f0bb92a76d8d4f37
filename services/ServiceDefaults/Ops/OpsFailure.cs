using Mlops.ServiceDefaults.Sagas;

namespace Mlops.ServiceDefaults.Ops;

/// <summary>The step a saga failed in, as the ops API shows it (the reason masked).</summary>
public sealed record OpsFailure
{
    public required string Step { get; init; }
    public required string Reason { get; init; }
    public required string State { get; init; }
    public DateTimeOffset FailedAt { get; init; }
    public int Attempts { get; init; }
    public int? StatusCode { get; init; }
    public required string Kind { get; init; }

    internal static OpsFailure? From(SagaStepFailure? failure, SecretMask mask) => failure is null ? null : new OpsFailure
    {
        Step = failure.Step,
        Reason = mask.MaskText(failure.Reason),
        State = failure.State,
        FailedAt = failure.FailedAt,
        Attempts = failure.Attempts,
        StatusCode = failure.StatusCode,
        Kind = failure.Kind,
    };
}
