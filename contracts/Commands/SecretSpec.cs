namespace Mlops.Contracts;

/// <summary>A Secret the stack needs: applied from a SealedSecret when one is given, then waited for with its keys; else verified as it is.</summary>
public sealed record SecretSpec
{
    public required string Name { get; init; }

    /// <summary>Null: the stack's own namespace.</summary>
    public string? Namespace { get; init; }

    public IReadOnlyList<string> RequiredKeys { get; init; } = [];

    /// <summary>The SealedSecret manifest as JSON (what <c>kubeseal</c> writes), or null to verify an existing Secret.</summary>
    public string? SealedSecretManifest { get; init; }
}
