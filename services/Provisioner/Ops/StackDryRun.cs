using System.Text.Json;
using Mlops.Contracts;
using Mlops.Provisioner.Sagas;
using Mlops.Provisioner.Stacks;

namespace Mlops.Provisioner.Ops;

/// <summary>
/// What applying a stack file would change, step by step, judged from the stack's saga: the description it last applied
/// and how far it got. It reads nothing outside the saga store, so a change made in the cluster by hand shows only when
/// the stack is applied or reconciled.
/// </summary>
public static class StackDryRun
{
    public const string Create = "create";
    public const string Update = "update";
    public const string Unchanged = "unchanged";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The state the saga is in while it runs each step, in <see cref="StackSteps.InOrder"/>.</summary>
    private static readonly IReadOnlyDictionary<string, string> StateOfStep = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [StackSteps.Namespaces] = "ProvisioningNamespaces",
        [StackSteps.Secrets] = "ProvisioningSecrets",
        [StackSteps.Components] = "ProvisioningComponents",
        [StackSteps.Buckets] = "ProvisioningBuckets",
        [StackSteps.Notifications] = "ProvisioningNotifications",
        [StackSteps.Mlflow] = "ProvisioningMlflow",
    };

    /// <param name="asked">The stack file as apply would send it (validated, <c>only</c> applied).</param>
    /// <param name="state">The saga's state, or null when the stack was never provisioned.</param>
    /// <param name="saga">The saga's data, or null when the stack was never provisioned.</param>
    public static StackDryRunAnswer Plan(ProvisionStack asked, string? state, StackState? saga)
    {
        ArgumentNullException.ThrowIfNull(asked);
        var applied = saga is null ? -1 : StepsApplied(state, saga);
        var steps = new List<StackStepChange>();
        for (var i = 0; i < StackSteps.InOrder.Count; i++)
        {
            var step = StackSteps.InOrder[i];
            var runs = asked.Only.Count == 0 || asked.Only.Contains(step, StringComparer.Ordinal);
            var (change, why) = Judge(step, i, applied, asked, saga);
            steps.Add(new StackStepChange { Step = step, Change = change, Why = why, Runs = runs });
        }
        return new StackDryRunAnswer
        {
            Name = asked.StackName,
            SagaState = state,
            Steps = steps,
            Changes = steps.Count(s => s.Change != Unchanged),
        };
    }

    private static (string Change, string Why) Judge(string step, int index, int applied, ProvisionStack asked, StackState? saga)
    {
        if (saga?.Stack is not { } last)
            return (Create, "the stack has never been provisioned");
        var same = Inputs(step, last) == Inputs(step, asked);
        if (index >= applied)
        {
            // Never finished with any description when the stack was never ready; otherwise what it holds now is unknown here.
            return saga.ReadyAt is null
                ? (Create, same ? "the step has not finished yet" : "the step has not finished yet, and the file changes what it sets up")
                : (Update, same ? "the last run did not finish this step" : "the file changes what this step sets up");
        }
        return same ? (Unchanged, "as last applied") : (Update, "the file changes what this step sets up");
    }

    /// <summary>How many steps, in order, the saga finished with the description it holds.</summary>
    private static int StepsApplied(string? state, StackState saga)
    {
        if (state == "Ready" || saga.Run == StackRunKind.Reconciling)
            return StackSteps.InOrder.Count;
        var at = state == "Failed" ? saga.FailedStep?.Step : StateOfStep.FirstOrDefault(s => s.Value == state).Key;
        var index = at is null ? -1 : StackSteps.InOrder.ToList().IndexOf(at);
        // Validating, or failed before the first step.
        return index < 0 ? 0 : index;
    }

    /// <summary>The part of a stack's description a step sets up, as text to compare.</summary>
    private static string Inputs(string step, ProvisionStack stack)
    {
        object inputs = step switch
        {
            StackSteps.Namespaces => new
            {
                stack.Namespace,
                Extra = stack.ExtraNamespaces.Select(n => n.Name),
                Minio = new { stack.Minio.Install, stack.Minio.Endpoint },
                Mlflow = new { stack.Mlflow.Install, stack.Mlflow.TrackingUri },
            },
            StackSteps.Secrets => RequiredSecret.Of(stack),
            StackSteps.Components => new { stack.ArtifactBucket, stack.Minio, Mlflow = new { stack.Mlflow.Install, stack.Mlflow.Secret, stack.Mlflow.TrackingUri } },
            StackSteps.Buckets => new { stack.Namespace, stack.Buckets, stack.Credentials, stack.ExtraNamespaces },
            StackSteps.Notifications => new { stack.Buckets, stack.Minio.Target },
            StackSteps.Mlflow => new { stack.Namespace, stack.Mlflow },
            _ => throw new ArgumentOutOfRangeException(nameof(step), step, "Not a stack step."),
        };
        return JsonSerializer.Serialize(inputs, Json);
    }
}
