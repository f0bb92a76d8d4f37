namespace Mlops.Clients.Mlflow.Model;

/// <summary>One ordering of <c>logged-models/search</c>, e.g. <c>creation_time</c> descending.</summary>
public sealed record LoggedModelOrder
{
    public string FieldName { get; init; } = "";

    public bool Ascending { get; init; }
}
