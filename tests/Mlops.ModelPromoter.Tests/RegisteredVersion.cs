namespace Mlops.ModelPromoter.Tests;

/// <summary>A model version logged and registered in the sandbox's MLflow, READY, with its files in S3.</summary>
public sealed record RegisteredVersion(string ModelName, string Version, string RunId, string ArtifactLocation, Guid FlowId);
