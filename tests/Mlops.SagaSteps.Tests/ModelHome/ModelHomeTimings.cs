namespace Mlops.SagaSteps.Tests.ModelHome;

/// <summary>How long each step of a model home may keep trying; tests shorten it to see a deadline pass.</summary>
public sealed record ModelHomeTimings(TimeSpan StepDeadline);
