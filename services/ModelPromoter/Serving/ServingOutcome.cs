namespace Mlops.ModelPromoter.Serving;

/// <summary>How one attempt to serve a version ended.</summary>
public enum ServingOutcome
{
    /// <summary>Rolled out, smoke-checked and aliased.</summary>
    Served,

    /// <summary>The rollout or smoke check failed; what served before serves again.</summary>
    Failed,

    /// <summary>A newer request for the model came first; this one never rolled out.</summary>
    Superseded,
}
