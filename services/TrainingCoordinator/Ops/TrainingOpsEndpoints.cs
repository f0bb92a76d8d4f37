using System.Text.Json;
using k8s.Models;
using Microsoft.Extensions.Options;
using Mlops.Clients.Kubernetes;
using Mlops.Contracts;
using Mlops.SagaStore;
using Mlops.ServiceDefaults.Ops;
using Mlops.TrainingCoordinator.Jobs;
using Mlops.TrainingCoordinator.Sagas;
using Mlops.TrainingCoordinator.Training;

namespace Mlops.TrainingCoordinator.Ops;

/// <summary>
/// The TrainingCoordinator's own ops endpoints (docs/operations.md): start a run, validated with the rules the saga applies,
/// and read a run's training pod log through the Kubernetes API.
/// </summary>
public static class TrainingOpsEndpoints
{
    private const int MaxTailLines = 10_000;

    public static IEndpointRouteBuilder MapTrainingOps(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapOpsCommand("/ops/training", StartTraining, command => command.TrainingId);
        endpoints.MapGet("/ops/training/{trainingId}/logs", LogsAsync).RequireOpsToken();
        return endpoints;
    }

    private static StartTraining StartTraining(OpsCommandRequest request, string who)
    {
        var body = request.Body<TrainingRequestBody>();
        var command = new StartTraining
        {
            FlowId = request.FlowId,
            OccurredAt = request.OccurredAt,
            // A new id when absent, so the answer names the run it started (sagaId) and a retry with it is the same run.
            TrainingId = body.TrainingId ?? Guid.NewGuid(),
            StackName = body.StackName,
            ExperimentName = body.ExperimentName ?? Contracts.StartTraining.DefaultExperimentName,
            ModelName = body.ModelName ?? Contracts.StartTraining.DefaultModelName,
            Image = body.Image,
            Command = body.Command ?? [],
            Parameters = body.Parameters ?? new Dictionary<string, string>(),
            Runner = body.Runner ?? Contracts.StartTraining.JobRunner,
            RequestedBy = who,
        };
        var settings = request.Http.RequestServices.GetRequiredService<IOptions<TrainingSettings>>().Value;
        var problems = TrainingRequestRules.Problems(command, settings);
        if (problems.Count > 0)
            throw new OpsValidationException(new Dictionary<string, string[]> { ["body"] = problems.ToArray() });
        return command;
    }

    private static async Task<IResult> LogsAsync(string trainingId, string? tailLines, ISagaCatalog catalog, IKubernetesClient kubernetes,
        CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(trainingId, out var id))
            return OpsProblems.BadRequest("trainingId", "'trainingId' must be a GUID.");
        int? tail = null;
        if (tailLines is not null)
        {
            if (!int.TryParse(tailLines, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var lines)
                || lines is < 1 or > MaxTailLines)
                return OpsProblems.BadRequest("tailLines", $"'tailLines' must be a whole number from 1 to {MaxTailLines}.");
            tail = lines;
        }
        var record = await catalog.FindAsync(id, nameof(TrainingRunState), cancellationToken);
        if (record is null)
            return OpsProblems.NotFound($"No training run {id} in this service.");
        var run = JsonSerializer.Deserialize<TrainingRunState>(record.Data)!;
        if (run.JobName is null || run.Target?.Namespace is not { Length: > 0 } ns)
            return OpsProblems.NotFound($"Training run {id} has no training pod yet (state {record.State}).");
        var kind = run.JobKind ?? TrainingManifests.JobKind;
        var pods = await kubernetes.ListAsync<V1Pod>($"{TrainingJobReading.PodLabel(kind)}={run.JobName}", ns, cancellationToken);
        var pod = pods.Items.OrderByDescending(p => p.Metadata.CreationTimestamp ?? DateTime.MinValue).FirstOrDefault();
        if (pod is null)
            return OpsProblems.NotFound($"Training run {id} has no training pod yet ({kind} {ns}/{run.JobName}).");
        var containerName = TrainingJobReading.LogContainer(kind);
        var container = pod.Spec?.Containers?.Any(c => c.Name == containerName) == true ? containerName : null;
        var log = await kubernetes.ReadPodLogAsync(pod.Metadata.Name, new PodLogOptions { Container = container, TailLines = tail }, ns, cancellationToken);
        return Results.Text(log ?? "", "text/plain; charset=utf-8");
    }
}
