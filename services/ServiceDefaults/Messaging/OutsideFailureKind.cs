namespace Mlops.ServiceDefaults.Messaging;

/// <summary>What a failed call to an outside system calls for.</summary>
public enum OutsideFailureKind
{
    /// <summary>A moment may cure it: try again later (408, 429, 5xx, dropped connections, timeouts, an open breaker).</summary>
    Transient,

    /// <summary>Someone else changed the thing first (409 on an update, a lost optimistic race): read it again, then retry.</summary>
    Conflict,

    /// <summary>Trying again gives the same answer (400, 401, 403, 404, 422, bad input, a defect).</summary>
    Permanent,
}
