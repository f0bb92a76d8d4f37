namespace Mlops.Flow.Benchmarks;

/// <summary>A vhost's message totals as RabbitMQ's management API reports them (messages published in, deliveries out).</summary>
internal sealed record BrokerCount(long Published, long Delivered)
{
    public static BrokerCount operator -(BrokerCount after, BrokerCount before) =>
        new(after.Published - before.Published, after.Delivered - before.Delivered);
}
