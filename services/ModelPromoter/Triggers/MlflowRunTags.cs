namespace Mlops.ModelPromoter.Triggers;

/// <summary>
/// The tags the TrainingCoordinator puts on the MLflow runs it owns: a promotion that starts from a MinIO event, a webhook
/// or the reconciliation reads them to stay in the same flow and on the same stack, and leaves the registering of a run
/// tagged with a training id to the coordinator.
/// </summary>
public static class MlflowRunTags
{
    public const string FlowId = "mlops.flow_id";

    public const string TrainingId = "mlops.training_id";

    public const string Stack = "mlops.stack";
}
