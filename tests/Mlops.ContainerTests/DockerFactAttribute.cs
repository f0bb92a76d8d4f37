namespace Mlops.ContainerTests;

/// <summary>A fact that runs only where a Docker engine answers; elsewhere it is skipped with "requires a Docker engine".</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class DockerFactAttribute : FactAttribute
{
    public DockerFactAttribute()
    {
        if (!DockerEngine.IsReachable)
            Skip = DockerEngine.SkipReason;
    }
}
