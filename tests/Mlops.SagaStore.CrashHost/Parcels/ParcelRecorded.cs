namespace Mlops.SagaStore.CrashHost.Parcels;

/// <summary>Published once per distinct scan; ScanId is the id the store gave the raw message.</summary>
public sealed record ParcelRecorded
{
    public required string Parcel { get; init; }
    public required Guid ScanId { get; init; }
}
