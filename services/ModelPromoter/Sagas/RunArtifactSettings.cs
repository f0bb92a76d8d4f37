namespace Mlops.ModelPromoter.Sagas;

/// <summary>The <c>ModelPromoter:Runs</c> section: how a run whose model MinIO reported waits for a version of it.</summary>
public sealed class RunArtifactSettings
{
    public const string Section = "ModelPromoter:Runs";

    /// <summary>How long a run from outside the product is watched for a version registered from it.</summary>
    public TimeSpan VersionWaitTimeout { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How often the registry is asked for the run's versions meanwhile.</summary>
    public TimeSpan VersionPollInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// For a run whose experiment the policy maps to a model: how long after its MLmodel arrives the promoter leaves the
    /// registering to the script (which often registers right after logging), before it registers a version itself.
    /// </summary>
    public TimeSpan RegistrationGrace { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long an MLflow call is tried through transient failures.</summary>
    public TimeSpan StepDeadline { get; set; } = TimeSpan.FromMinutes(10);
}
