namespace Mlops.SagaStore.CrashHost.Parcels;

/// <summary>Raw JSON from a scanner (like MinIO's events): no envelope, no MessageId.</summary>
public sealed record ParcelScan
{
    public required string Parcel { get; init; }
}
