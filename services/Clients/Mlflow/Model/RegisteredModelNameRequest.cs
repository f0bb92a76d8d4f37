namespace Mlops.Clients.Mlflow.Model;

/// <summary>Body naming a registered model (<c>registered-models/delete</c>).</summary>
public sealed record RegisteredModelNameRequest
{
    public string Name { get; init; } = "";
}
