namespace Mlops.Clients.Minio;

/// <summary>The outcome of probing keys, with a reason for people; the reason never holds the secret key.</summary>
public sealed record MinioKeyProbe(MinioKeyProbeOutcome Outcome, string Reason)
{
    public bool Accepted => Outcome == MinioKeyProbeOutcome.Accepted;
}
