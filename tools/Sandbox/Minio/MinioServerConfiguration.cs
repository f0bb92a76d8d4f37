namespace Mlops.Sandbox.Minio;

/// <summary>
/// What a MinIO server was started with: its root credentials and its AMQP notification targets. The stand-in's own
/// settings give one; an in-cluster MinIO pod gives another from its environment while it backs the stand-in.
/// </summary>
public sealed record MinioServerConfiguration(string RootUser, string RootPassword, IReadOnlyList<AmqpNotificationTarget> Targets, string Origin)
{
    public IReadOnlyDictionary<string, AmqpNotificationTarget> TargetsByArn => Targets.ToDictionary(t => t.Settings.Arn, StringComparer.Ordinal);

    /// <summary>Never the password: the configuration can be logged.</summary>
    public override string ToString() => $"MinIO of {Origin}: root user {RootUser}, targets {string.Join(", ", Targets.Select(t => t.Settings.Arn))}";
}
