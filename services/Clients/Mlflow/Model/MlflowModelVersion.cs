using System.Text.Json.Serialization;

namespace Mlops.Clients.Mlflow.Model;

/// <summary>A model version (<c>model_version</c>); only <see cref="MlflowModelVersionStatus.Ready"/> versions can be served.</summary>
public sealed record MlflowModelVersion
{
    public string Name { get; init; } = "";

    /// <summary>The version number, as MLflow sends it: a string.</summary>
    public string Version { get; init; } = "";

    public long? CreationTimestamp { get; init; }

    public long? LastUpdatedTimestamp { get; init; }

    public string? UserId { get; init; }

    /// <summary>Deprecated since MLflow 2.9 in favour of aliases.</summary>
    public string? CurrentStage { get; init; }

    public string? Description { get; init; }

    /// <summary>Where the artifacts are: a storage URI, or <c>models:/m-&lt;model_id&gt;</c> for an MLflow 3 logged model.</summary>
    public string? Source { get; init; }

    public string? RunId { get; init; }

    /// <summary>See <see cref="MlflowModelVersionStatus"/>.</summary>
    public string? Status { get; init; }

    public string? StatusMessage { get; init; }

    public IReadOnlyList<MlflowTag> Tags { get; init; } = [];

    public string? RunLink { get; init; }

    public IReadOnlyList<string> Aliases { get; init; } = [];

    /// <summary>The MLflow 3 logged model this version registers (absent on MLflow 2).</summary>
    public string? ModelId { get; init; }

    /// <summary>Registered and servable.</summary>
    [JsonIgnore]
    public bool IsReady => Status == MlflowModelVersionStatus.Ready;
}
