namespace Mlops.Sandbox.Minio;

/// <summary>
/// How a target delivers events: each one <paramref name="Copies"/> times, and events queued within
/// <paramref name="ShuffleWindow"/> of each other in shuffled order. Both make MinIO's at-least-once delivery happen on purpose.
/// </summary>
public sealed record EventDelivery(int Copies, TimeSpan ShuffleWindow)
{
    public static readonly EventDelivery InWriteOrder = new(1, TimeSpan.Zero);

    /// <summary>A random order of <paramref name="batch"/> that is never the order given when it holds two or more, so a test can see it.</summary>
    public static IReadOnlyList<T> Shuffle<T>(IReadOnlyList<T> batch)
    {
        if (batch.Count < 2)
            return batch;
        var order = batch.ToArray();
        Random.Shared.Shuffle(order);
        if (order.SequenceEqual(batch))
            order = [.. batch.Skip(1), batch[0]];
        return order;
    }
}
