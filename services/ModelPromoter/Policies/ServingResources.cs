namespace Mlops.ModelPromoter.Policies;

/// <summary>The model server's resources; the defaults are the original homelab's.</summary>
public sealed record ServingResources
{
    public string CpuRequest { get; init; } = "1";

    public string MemoryRequest { get; init; } = "4Gi";

    public string CpuLimit { get; init; } = "5";

    public string MemoryLimit { get; init; } = "8Gi";
}
