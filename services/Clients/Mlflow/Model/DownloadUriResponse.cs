namespace Mlops.Clients.Mlflow.Model;

/// <summary>Answer of <c>model-versions/get-download-uri</c>: where the version's artifacts can be read.</summary>
public sealed record DownloadUriResponse
{
    public string ArtifactUri { get; init; } = "";
}
