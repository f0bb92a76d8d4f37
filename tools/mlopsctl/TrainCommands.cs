using System.CommandLine;
using System.Net;
using System.Text.Json;

namespace Mlops.Ctl;

/// <summary><c>mlopsctl train start | cancel</c>: the TrainingCoordinator's training runs.</summary>
internal static class TrainCommands
{
    private const string Coordinator = "training-coordinator";

    private static readonly Option<string> Stack = new("--stack") { Description = "The stack to train in (its namespace, MLflow and MinIO)", Required = true };
    private static readonly Option<string> Image = new("--image") { Description = "The training image, e.g. ghcr.io/acme/cnn-train:1.0", Required = true };
    private static readonly Option<string?> Experiment = new("--experiment") { Description = "The MLflow experiment (default cnn_classifier)" };
    private static readonly Option<string?> Model = new("--model") { Description = "The registered model's name (default cnn_classifier)" };
    private static readonly Option<string[]> ContainerCommand = new("--command")
    {
        Description = "The container's command, one --command per word (default the image's own)",
        AllowMultipleArgumentsPerToken = false,
    };
    private static readonly Option<string[]> Parameters = new("--param") { Description = "A training parameter as key=value; repeat for more" };
    private static readonly Option<Guid?> TrainingId = new("--training-id") { Description = "The run's id; the same id again is the same run (default a new one)" };
    private static readonly Option<bool> Wait = new("--wait") { Description = "Wait, showing progress, until the run registered its model (or failed)" };
    private static readonly Option<TimeSpan> Timeout = new("--timeout") { Description = "How long --wait waits", DefaultValueFactory = _ => TimeSpan.FromMinutes(30) };
    private static readonly Argument<Guid> Id = new("id") { Description = "The training run's id (its saga id)" };
    private static readonly Option<string?> Reason = new("--reason") { Description = "Why, kept with the saga" };

    /// <summary>The states a training run ends in; <c>Final</c> is the run that registered its model.</summary>
    private static readonly string[] Ended = ["Final", "Failed", "Rejected", "Cancelled"];

    public static Command Build(Func<Func<CtlContext, ParseResult, CancellationToken, Task<int>>, Func<ParseResult, CancellationToken, Task<int>>> run)
    {
        var start = new Command("start", "Start a training run (POST /ops/training).\n"
            + "Example: mlopsctl train start --stack homelab --image ghcr.io/acme/cnn-train:1.0 --param epochs=5 --wait")
        {
            Stack, Image, Experiment, Model, ContainerCommand, Parameters, TrainingId, Wait, Timeout,
        };
        start.Validators.Add(result =>
        {
            foreach (var pair in result.GetValue(Parameters) ?? [])
            {
                if (pair.IndexOf('=', StringComparison.Ordinal) <= 0)
                    result.AddError($"--param '{pair}' is not key=value.");
            }
        });
        start.SetAction(run(StartAsync));
        var cancel = new Command("cancel", "Cancel a training run: its Job (or Workflow) is deleted.\nExample: mlopsctl train cancel 3f2b6c1e-… --reason \"wrong image\" --wait")
        {
            Id, Reason, Wait, Timeout,
        };
        cancel.SetAction(run(CancelAsync));
        return new Command("train", "The TrainingCoordinator's runs: start, cancel.\nExample: mlopsctl train start --stack homelab --image ghcr.io/acme/cnn-train:1.0") { start, cancel };
    }

    private static async Task<int> StartAsync(CtlContext context, ParseResult parsed, CancellationToken cancellationToken)
    {
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in parsed.GetValue(Parameters) ?? [])
        {
            var at = pair.IndexOf('=', StringComparison.Ordinal);
            if (!parameters.TryAdd(pair[..at].Trim(), pair[(at + 1)..]))
                throw new CtlException(CtlExit.BadUsage, $"--param {pair[..at]} is given more than once.");
        }
        var command = parsed.GetValue(ContainerCommand) ?? [];
        var body = new
        {
            stackName = parsed.GetValue(Stack),
            experimentName = parsed.GetValue(Experiment),
            modelName = parsed.GetValue(Model),
            image = parsed.GetValue(Image),
            command = command.Length == 0 ? null : command,
            parameters = parameters.Count == 0 ? null : parameters,
            trainingId = parsed.GetValue(TrainingId),
        };
        var client = context.Clients(Coordinator)[0];
        var (status, answer) = await client.SendAsync(HttpMethod.Post, "ops/training", body, cancellationToken);
        var accepted = AcceptedCommand.From(client, status, answer);
        var trainingId = accepted.SagaId!.Value;
        return await accepted.ReportAsync(context, $"training {trainingId}, flow {accepted.FlowId}", !parsed.GetValue(Wait) ? null : () =>
            SagaWatch.WaitAsync(context, client, trainingId, parsed.GetValue(Timeout), shown =>
                shown.GetProperty("saga").GetProperty("state").GetString() switch
                {
                    "Final" => (true, true, "model registered"),
                    { } state when Ended.Contains(state) => (true, false, $"{state}: {SagaWatch.Reason(shown)}"),
                    _ => (false, false, ""),
                }, cancellationToken));
    }

    private static async Task<int> CancelAsync(CtlContext context, ParseResult parsed, CancellationToken cancellationToken)
    {
        var id = parsed.GetValue(Id);
        var client = context.Clients(Coordinator)[0];
        var (found, _) = await client.GetAsync($"ops/sagas/{id}?type=TrainingRunState", cancellationToken);
        if (found == HttpStatusCode.NotFound)
            throw new CtlException(CtlExit.Failed, $"No training run {id} in the {Coordinator}.");
        var reason = parsed.GetValue(Reason);
        var (status, answer) = await client.SendAsync(HttpMethod.Post, $"ops/sagas/{id}/cancel?type=TrainingRunState", reason is null ? null : new { reason }, cancellationToken);
        return await AcceptedCommand.From(client, status, answer).ReportAsync(context, $"training {id}", !parsed.GetValue(Wait) ? null : () =>
            SagaWatch.WaitAsync(context, client, id, parsed.GetValue(Timeout), shown =>
                shown.GetProperty("saga").GetProperty("state").GetString() switch
                {
                    "Cancelled" => (true, true, "cancelled"),
                    { } state when Ended.Contains(state) => (true, false, $"ended {state} before the cancel took effect"),
                    _ => (false, false, ""),
                }, cancellationToken));
    }
}
