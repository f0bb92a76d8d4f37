using System.Globalization;
using Mlops.Clients.Mlflow;
using Mlops.Clients.Mlflow.Model;
using Mlops.ModelPromoter.Policies;
using Mlops.ModelPromoter.Triggers;

namespace Mlops.ModelPromoter.Sagas;

/// <summary>
/// Asks the registry whether a promotion's version is fit to be looked at further: registered and READY (PENDING is
/// waited for), where its files are (an MLflow 3 <c>models:/m-…</c> source resolved once with get-download-uri), and what
/// its run says (flow and stack tags, final metrics for the gates).
/// </summary>
public sealed class PromotionVerifier(IMlflowApi mlflow, ModelPolicies policies, TimeProvider time)
{
    public const string WaitingForReady = "the version to be READY";

    public const string WaitingForRun = "the gated run to end";

    /// <summary>
    /// Reads the version and its run into <paramref name="saga"/>. Leaves <see cref="PromotionState.WaitingFor"/> set when
    /// the version is still PENDING_REGISTRATION or a gated run still RUNNING; throws <see cref="PromotionRefusedException"/>
    /// when it does not exist or failed registration.
    /// </summary>
    public async Task VerifyAsync(PromotionState saga, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(saga);
        var name = saga.ModelName!;
        var number = saga.ModelVersion!;
        var version = await mlflow.FindModelVersionAsync(name, number, cancellationToken)
            ?? throw new PromotionRefusedException($"model {name} version {number} is not registered");
        switch (version.Status)
        {
            case MlflowModelVersionStatus.Ready:
                break;
            case MlflowModelVersionStatus.PendingRegistration:
                Wait(saga, WaitingForReady);
                return;
            case MlflowModelVersionStatus.FailedRegistration:
                throw new PromotionRefusedException($"model {name} version {number} is not registered: its registration failed"
                    + (string.IsNullOrWhiteSpace(version.StatusMessage) ? "" : $" ({PromotionRequestRules.Printable(version.StatusMessage)})"));
            default:
                throw new PromotionRefusedException($"model {name} version {number} is not READY (status {PromotionRequestRules.Printable(version.Status)})");
        }

        if (!string.IsNullOrEmpty(version.RunId))
            saga.RunId = version.RunId;
        await ResolveArtifactsAsync(saga, version, cancellationToken);

        var gated = policies.For(name).Gates.Count > 0;
        if (!string.IsNullOrEmpty(saga.RunId))
        {
            var run = await mlflow.FindRunAsync(saga.RunId, cancellationToken);
            if (run is null && gated)
                throw new PromotionRefusedException($"run {saga.RunId} of model {name} version {number} does not exist, so its gates cannot be checked");
            if (run is not null)
            {
                ReadRun(saga, run);
                // Final metrics only: a gate on a run still logging would judge an epoch, not the model.
                if (gated && !saga.MetricsFromTrigger && run.Info.Status is MlflowRunStatus.Running or MlflowRunStatus.Scheduled)
                {
                    Wait(saga, WaitingForRun);
                    return;
                }
            }
        }
        else if (gated && !saga.MetricsFromTrigger)
        {
            throw new PromotionRefusedException($"model {name} version {number} has no run, so its gates cannot be checked");
        }
        saga.WaitingFor = null;
        saga.WaitingSince = null;
    }

    /// <summary>Whether a wait that began at <see cref="PromotionState.WaitingSince"/> has outlived <paramref name="timeout"/>; throws then.</summary>
    public void ThrowIfWaitedTooLong(PromotionState saga, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(saga);
        if (saga.WaitingFor is null || saga.WaitingSince is not { } since || time.GetUtcNow() - since < timeout)
            return;
        var what = saga.WaitingFor == WaitingForRun
            ? $"run {saga.RunId} of model {saga.ModelName} version {saga.ModelVersion} is still running"
            : $"model {saga.ModelName} version {saga.ModelVersion} is still PENDING_REGISTRATION";
        throw new PromotionRefusedException($"{what} after {Span(timeout)}");
    }

    private void Wait(PromotionState saga, string what)
    {
        // A new wait (also after a replay) is bounded from now; a wait that goes on keeps its start.
        if (saga.WaitingFor != what || saga.WaitingSince is null)
            saga.WaitingSince = time.GetUtcNow();
        saga.WaitingFor = what;
    }

    private async Task ResolveArtifactsAsync(PromotionState saga, MlflowModelVersion version, CancellationToken cancellationToken)
    {
        var source = version.Source ?? "";
        // Resolved once: a retry or replay keeps the location it learnt for the same source.
        if (saga.ArtifactLocation is not null && saga.Source == source)
            return;
        string location;
        if (IsStorageUri(source))
        {
            location = source;
        }
        else
        {
            location = (await mlflow.GetDownloadUriAsync(saga.ModelName!, saga.ModelVersion!, cancellationToken)).ArtifactUri;
            if (string.IsNullOrWhiteSpace(location))
                throw new PromotionRefusedException($"model {saga.ModelName} version {saga.ModelVersion} has source '{PromotionRequestRules.Printable(source)}' and MLflow gives no download location for it");
        }
        saga.Source = source;
        saga.ArtifactLocation = location;
    }

    private static void ReadRun(PromotionState saga, MlflowRun run)
    {
        string? Tag(string key) => run.Data.Tags.FirstOrDefault(t => t.Key == key)?.Value;
        // One flow stays one flow: a promotion started outside the product's messages joins the run's flow.
        if (!saga.FlowFromTrigger && Guid.TryParse(Tag(MlflowRunTags.FlowId), out var flow) && flow != Guid.Empty)
            saga.FlowId = flow;
        if (saga.TriggerStackName is null && Tag(MlflowRunTags.Stack) is { Length: > 0 } stack)
            saga.TriggerStackName = stack;
        if (!saga.MetricsFromTrigger)
        {
            saga.Metrics.Clear();
            foreach (var metric in run.Data.Metrics)
                saga.Metrics[metric.Key] = metric.Value;
        }
    }

    /// <summary>A location a model server reads directly; anything else (<c>models:/</c>, <c>runs:/</c>) goes through get-download-uri.</summary>
    public static bool IsStorageUri(string source) =>
        source.StartsWith("s3://", StringComparison.OrdinalIgnoreCase)
        || source.StartsWith("gs://", StringComparison.OrdinalIgnoreCase)
        || source.StartsWith("wasbs://", StringComparison.OrdinalIgnoreCase)
        || source.StartsWith("hdfs://", StringComparison.OrdinalIgnoreCase)
        || source.StartsWith("file://", StringComparison.OrdinalIgnoreCase);

    internal static string Span(TimeSpan span) =>
        span.TotalDays >= 1 && span.Hours == 0 && span.Minutes == 0 ? string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalDays} d")
        : span.TotalHours >= 1 && span.Minutes == 0 ? string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalHours} h")
        : span.TotalMinutes >= 1 && span.Seconds == 0 ? string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalMinutes} min")
        : string.Create(CultureInfo.InvariantCulture, $"{span.TotalSeconds:0.#} s");
}
