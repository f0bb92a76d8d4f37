namespace Mlops.ModelPromoter.Sagas;

/// <summary>A registry version made from a run: its model, number and source.</summary>
public sealed record RunArtifactVersion(string ModelName, string Version, string? Source);
