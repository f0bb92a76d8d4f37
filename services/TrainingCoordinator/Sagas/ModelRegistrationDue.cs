using MassTransit;

namespace Mlops.TrainingCoordinator.Sagas;

/// <summary>
/// Time to register the run's model version (published by the sweeper as soon as the run is in Registering). Creating a
/// version is not idempotent in MLflow, and replicas of the coordinator may both handle a copy of the Job's success at
/// once (each replica's watcher reports it); only one of them commits Registering, so only one deadline fires, and only
/// its handler creates the version.
/// </summary>
public sealed record ModelRegistrationDue : CorrelatedBy<Guid>
{
    public Guid CorrelationId { get; init; }

    public DateTimeOffset DeadlineAt { get; init; }

    public Guid? FlowId { get; init; }
}
