namespace Mlops.ModelPromoter.Policies;

/// <summary>
/// How one model is promoted and served (configuration <c>ModelPromoter:Policies:Default</c> and
/// <c>ModelPromoter:Policies:Models:&lt;model name&gt;</c>; a model's own values override the default's). Out of the box:
/// automatic, no gates, so a model registered from a laptop run is served without any configuration.
/// </summary>
public sealed record ModelPolicy
{
    /// <summary>Automatic, or wait for <c>ApprovePromotion</c>.</summary>
    public bool RequireApproval { get; init; }

    /// <summary>Metric gates on the version's run, e.g. <c>accuracy &gt;= 0.85</c>.</summary>
    public IReadOnlyList<MetricGate> Gates { get; init; } = [];

    /// <summary>The alias pointed at the serving version (MLflow stages are deprecated).</summary>
    public string TargetAlias { get; init; } = "production";

    /// <summary>Also transition the version to this legacy stage (e.g. <c>Production</c>); null: no stage.</summary>
    public string? LegacyStage { get; init; }

    /// <summary>The stack to serve on; null: the run's <c>mlops.stack</c> tag, or the only stack there is.</summary>
    public string? Stack { get; init; }

    /// <summary>Null: the stack's namespace.</summary>
    public string? Namespace { get; init; }

    /// <summary>The model-server image; null: chosen by the MLmodel's flavours from <see cref="ImagesByFlavor"/>.</summary>
    public string? Image { get; init; }

    /// <summary>Model-server image per MLmodel flavour (e.g. <c>pytorch</c>); <c>default</c> for the rest.</summary>
    public IReadOnlyDictionary<string, string> ImagesByFlavor { get; init; } = new Dictionary<string, string>();

    /// <summary><c>local</c> (the image's Python, fast) or <c>virtualenv</c> (builds the model's environment at start, slow).</summary>
    public string EnvManager { get; init; } = "local";

    public int Replicas { get; init; } = 1;

    public ServingResources Resources { get; init; } = new();

    public ServingExposure Exposure { get; init; } = new();

    /// <summary>A JSON <c>/invocations</c> body for the smoke check; null: the model's <c>serving_input_example.json</c> or <c>input_example.json</c>.</summary>
    public string? SmokeInput { get; init; }
}
