namespace Mlops.Sandbox.Programs;

/// <summary>A model the server has loaded: what it was asked for, where the artifacts were and what identifies them.</summary>
public sealed record LoadedModel(string ModelUri, string ArtifactLocation, MlmodelFile Mlmodel, string? RegisteredName, string? Version)
{
    /// <summary>What predictions depend on besides the input: the logged model's uuid and the registered version.</summary>
    public string Identity => $"{Mlmodel.ModelUuid ?? ArtifactLocation}|{RegisteredName}/{Version}";
}
