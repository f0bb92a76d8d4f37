namespace Mlops.ModelPromoter.Triggers.Webhooks;

/// <summary>What checking a delivery found: accepted with its id and signed time, or refused with the HTTP status to answer and why.</summary>
public sealed record MlflowWebhookCheck(int Status, string Reason, Guid DeliveryId, DateTimeOffset? At = null)
{
    public bool Accepted => Status == 200;

    public static MlflowWebhookCheck Refused(int status, string reason) => new(status, reason, Guid.Empty);
}
