namespace Mlops.ModelPromoter.Serving;

/// <summary>The name a model's server holds in one namespace, once claimed with a create: Deployment and Service share it.</summary>
public sealed record ModelServerPlacement
{
    public required string Namespace { get; init; }

    public required string Name { get; init; }

    /// <summary>The <c>model</c> label value, which with <c>app: mlflow-model-server</c> selects the server's pods.</summary>
    public required string Label { get; init; }

    /// <summary>Whether an Ingress of the same name was made for it.</summary>
    public bool HasIngress { get; init; }
}
