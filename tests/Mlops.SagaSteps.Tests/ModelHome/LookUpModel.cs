namespace Mlops.SagaSteps.Tests.ModelHome;

/// <summary>Asks for a registered model to be looked up in MLflow.</summary>
public sealed record LookUpModel
{
    public required string ModelName { get; init; }
}
