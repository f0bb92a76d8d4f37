namespace Mlops.Clients.Mlflow.Model;

/// <summary>Body of <c>POST registered-models/alias</c>.</summary>
public sealed record SetAliasRequest
{
    public string Name { get; init; } = "";

    public string Alias { get; init; } = "";

    public string Version { get; init; } = "";
}
