namespace Mlops.Flow.Benchmarks;

/// <summary>One model version made ready in the registry for the benchmark: what its ModelRegistered names.</summary>
internal sealed record RegisteredModel(string ModelName, string Version, string RunId, string Source, Guid FlowId, Guid TrainingId);
