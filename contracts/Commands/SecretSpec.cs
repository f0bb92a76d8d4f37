namespace Mlops.Contracts;

/// <summary>A Secret the stack needs: applied from a SealedSecret when one is given, then waited for with its keys.</summary>
public sealed record SecretSpec
{
    public required string Name { get; init; }

    public IReadOnlyList<string> RequiredKeys { get; init; } = [];

    public string? SealedSecretManifest { get; init; }
}
