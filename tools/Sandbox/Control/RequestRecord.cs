namespace Mlops.Sandbox.Control;

/// <summary>One logged request: when, to which stand-in, what it asked for, who asked and how it was answered.</summary>
public sealed class RequestRecord
{
    public required long Sequence { get; init; }

    public required DateTimeOffset Time { get; init; }

    public required string StandIn { get; init; }

    public required string Verb { get; init; }

    /// <summary>API group; empty for Kubernetes' core group.</summary>
    public required string Group { get; init; }

    public required string Resource { get; init; }

    public string? Namespace { get; init; }

    public string? Name { get; init; }

    public string? UserAgent { get; init; }

    /// <summary>Who sent the request, as the stand-in authenticated it (Kubernetes: <c>kubernetes-admin</c> without a token, <c>system:serviceaccount:ns:name</c> with one); null when the credentials were refused.</summary>
    public string? User { get; init; }

    /// <summary>The user the request acted as through impersonation headers, when it did.</summary>
    public string? ImpersonatedUser { get; init; }

    /// <summary>Status code of the answer, once it has started.</summary>
    public int? StatusCode { get; internal set; }

    /// <summary>Set when fault injection answered instead of the stand-in.</summary>
    public string? Fault { get; internal set; }

    public override string ToString() =>
        $"{Sequence} {Time:O} {StandIn} {User} {Verb} {Group}/{Resource} {Namespace}/{Name} -> {StatusCode}{(Fault is null ? "" : " fault: " + Fault)}";
}
