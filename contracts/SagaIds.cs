using System.Security.Cryptography;
using System.Text;

namespace Mlops.Contracts;

/// <summary>
/// Deterministic saga correlation ids for natural keys, so a duplicate trigger lands on the saga
/// it belongs to instead of starting a second one. Name-based UUIDs (RFC 9562 version 5).
/// Names come from outside (stack files, registry events), so they are bounded before anything is hashed.
/// </summary>
public static class SagaIds
{
    /// <summary>The longest name, in UTF-8 bytes, that an id is made from (a model name and version count together).</summary>
    public const int MaxNameBytes = 1024;

    // Fixed namespaces: changing one would orphan every stored saga of that kind.
    private static readonly Guid StackNamespace = new("5f0c6a3e-2d1b-4c8e-9a47-1e6b0d3f7c21");
    private static readonly Guid ModelVersionNamespace = new("a93d7b12-6e4f-4f0a-8c5d-2b7e91f04d68");

    /// <summary>The StackState id of a stack.</summary>
    public static Guid ForStack(string stackName) =>
        NameBased(StackNamespace, Require(stackName, nameof(stackName)));

    /// <summary>The PromotionState id of one version of a registered model.</summary>
    public static Guid ForModelVersion(string modelName, string version) =>
        NameBased(ModelVersionNamespace, $"{Require(modelName, nameof(modelName))}\n{Require(version, nameof(version)).Trim()}");

    /// <summary>A version 5 UUID of <paramref name="name"/> in <paramref name="namespaceId"/>.</summary>
    /// <exception cref="ArgumentException">The name is longer than <see cref="MaxNameBytes"/> UTF-8 bytes.</exception>
    public static Guid NameBased(Guid namespaceId, string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        // Counted before any buffer exists, so the stack buffer below has a fixed size whatever the caller sends.
        var nameBytes = Encoding.UTF8.GetByteCount(name);
        if (nameBytes > MaxNameBytes)
        {
            throw new ArgumentException(
                $"A saga name may be at most {MaxNameBytes} UTF-8 bytes; this one has {nameBytes}.", nameof(name));
        }
        Span<byte> input = stackalloc byte[16 + MaxNameBytes];
        namespaceId.TryWriteBytes(input, bigEndian: true, out _);
        var length = 16 + Encoding.UTF8.GetBytes(name, input[16..]);
        Span<byte> hash = stackalloc byte[20];
#pragma warning disable CA5350 // RFC 9562 defines version 5 on SHA-1; it names ids, it protects nothing.
        SHA1.HashData(input[..length], hash);
#pragma warning restore CA5350
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash[..16], bigEndian: true);
    }

    private static string Require(string value, string name) =>
        string.IsNullOrWhiteSpace(value) ? throw new ArgumentException("A natural key must not be empty.", name) : value;
}
