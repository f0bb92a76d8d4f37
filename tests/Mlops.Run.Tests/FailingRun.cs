namespace Mlops.Run.Tests;

/// <summary>A run whose training script is given an argument it refuses, so the training saga fails at its Job.</summary>
public sealed class FailingRun() : RunOnce(new Dictionary<string, string> { ["MLOPS_RUN_TRAINING_PARAMETERS"] = """{"learning_rate": "fast"}""" });
