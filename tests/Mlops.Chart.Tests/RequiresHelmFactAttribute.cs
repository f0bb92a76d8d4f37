namespace Mlops.Chart.Tests;

/// <summary>A fact that runs only where a <c>helm</c> binary is on PATH; elsewhere it is skipped, saying so.</summary>
public sealed class RequiresHelmFactAttribute : FactAttribute
{
    public RequiresHelmFactAttribute()
    {
        if (Helm.Executable is null)
            Skip = "helm is not on PATH";
    }
}
