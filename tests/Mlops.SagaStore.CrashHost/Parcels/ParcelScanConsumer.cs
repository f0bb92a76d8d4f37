using MassTransit;

namespace Mlops.SagaStore.CrashHost.Parcels;

/// <summary>A consumer that is not a saga: records each scan by publishing <see cref="ParcelRecorded"/>.</summary>
public sealed class ParcelScanConsumer : IConsumer<ParcelScan>
{
    public Task Consume(ConsumeContext<ParcelScan> context) =>
        context.Publish(new ParcelRecorded { Parcel = context.Message.Parcel, ScanId = context.MessageId ?? Guid.Empty });
}
