namespace Mlops.Ctl;

/// <summary>mlopsctl's exit codes, the same for every command.</summary>
public static class CtlExit
{
    /// <summary>Done.</summary>
    public const int Done = 0;

    /// <summary>The operation failed: refused (409), not found, or the saga failed while waited for.</summary>
    public const int Failed = 1;

    /// <summary>Bad usage: wrong arguments, input the service refused (400), no service URL or token, or a refused token (401).</summary>
    public const int BadUsage = 2;

    /// <summary>A service could not be reached (connection refused, timeout, 5xx).</summary>
    public const int Unreachable = 3;
}
