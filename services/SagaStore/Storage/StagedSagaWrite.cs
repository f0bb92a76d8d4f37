using Mlops.SagaStore.Mapping;

namespace Mlops.SagaStore.Storage;

/// <summary>A saga write waiting for its message's commit: an insert of version 1, or an update guarded by the version read.</summary>
internal sealed record StagedSagaWrite(SagaMap Map, SagaWrite Write, int? ExpectedVersion)
{
    public bool IsInsert => ExpectedVersion is null;
}
