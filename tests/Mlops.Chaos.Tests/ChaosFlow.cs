namespace Mlops.Chaos.Tests;

/// <summary>One train-then-promote flow of a chaos run: its model (one per flow), its training id and its flow id.</summary>
public sealed record ChaosFlow(int Index, string Model, Guid TrainingId, Guid FlowId, DateTimeOffset StartedAt);
