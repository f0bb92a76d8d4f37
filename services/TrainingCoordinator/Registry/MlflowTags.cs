namespace Mlops.TrainingCoordinator.Registry;

/// <summary>
/// The tags the coordinator puts on the MLflow runs and versions it owns, so a promotion that starts later from a MinIO
/// event or a webhook finds the same flow and stack, and knows the coordinator registers this run's model.
/// </summary>
public static class MlflowTags
{
    public const string FlowId = "mlops.flow_id";

    public const string TrainingId = "mlops.training_id";

    public const string Stack = "mlops.stack";

    /// <summary>On the run: the registered model the coordinator registers its model as.</summary>
    public const string Model = "mlops.model";
}
