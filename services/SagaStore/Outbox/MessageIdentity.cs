using System.Security.Cryptography;
using System.Text;

namespace Mlops.SagaStore.Outbox;

/// <summary>
/// Deterministic message and consumer ids: RFC 9562 version 5 (name-based, SHA-1) UUIDs. A message that arrives without a
/// MessageId (MinIO's raw event JSON) is known by the UUID of its body bytes, so a redelivered copy has the same id and the
/// inbox recognises it; two different bodies get different ids.
/// </summary>
internal static class MessageIdentity
{
    // Fixed: changing one would make every stored inbox row unrecognisable.
    private static readonly Guid BodyNamespace = new("0c9f3b5e-7a41-4d2e-9b68-5f1d2a7c3e90");
    private static readonly Guid ConsumerNamespace = new("6e2a8d14-3b7f-4c59-a0d1-9f4e7b2c5a83");

    /// <summary>The id of a message body that came without a MessageId.</summary>
    public static Guid FromBody(ReadOnlySpan<byte> body) => NameBased(BodyNamespace, body);

    /// <summary>The inbox id of a consumer or saga type on one receive endpoint.</summary>
    public static Guid ForConsumer(string endpointName, Type consumerType) =>
        NameBased(ConsumerNamespace, Encoding.UTF8.GetBytes($"{endpointName}\n{consumerType.FullName}"));

    private static Guid NameBased(Guid namespaceId, ReadOnlySpan<byte> name)
    {
        // Hashed incrementally: a body of any size needs no buffer sized by it.
        using var sha1 = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
        Span<byte> prefix = stackalloc byte[16];
        namespaceId.TryWriteBytes(prefix, bigEndian: true, out _);
        sha1.AppendData(prefix);
        sha1.AppendData(name);
        Span<byte> hash = stackalloc byte[20];
        sha1.GetHashAndReset(hash);
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash[..16], bigEndian: true);
    }
}
