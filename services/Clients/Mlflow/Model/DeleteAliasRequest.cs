namespace Mlops.Clients.Mlflow.Model;

/// <summary>Body of <c>DELETE registered-models/alias</c>.</summary>
public sealed record DeleteAliasRequest
{
    public string Name { get; init; } = "";

    public string Alias { get; init; } = "";
}
