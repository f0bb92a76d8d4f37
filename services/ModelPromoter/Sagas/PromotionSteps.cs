using Mlops.ModelPromoter.Policies;
using Mlops.ServiceDefaults.Sagas;

namespace Mlops.ModelPromoter.Sagas;

/// <summary>
/// The steps of a promotion (docs/saga-steps.md): each reads only the instance, is safe to run again, and fails the
/// promotion with a reason people can act on; MLflow outages are waited out at deadlines.
/// </summary>
public sealed class PromotionSteps
{
    public PromotionSteps(PromotionSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var deadline = settings.StepDeadline;

        Verify = new SagaStep<PromotionState>("verify-version", step =>
        {
            step.Saga.WaitingFor = null;
            step.Saga.WaitingSince = null;
            return step.GetRequiredService<PromotionVerifier>().VerifyAsync(step.Saga, step.CancellationToken);
        }) { Deadline = deadline };

        CheckRegistration = new SagaStep<PromotionState>("check-registration", async step =>
        {
            var verifier = step.GetRequiredService<PromotionVerifier>();
            await verifier.VerifyAsync(step.Saga, step.CancellationToken);
            verifier.ThrowIfWaitedTooLong(step.Saga, settings.RegistrationTimeout);
        }) { Deadline = deadline };

        // Waiting starts here, also after a replay: the bound is counted from now.
        FindStack = new SagaStep<PromotionState>("find-stack", async step =>
        {
            var saga = step.Saga;
            saga.StackWaitUntil = step.GetRequiredService<TimeProvider>().GetUtcNow() + settings.StackWaitTimeout;
            saga.Stack = null;
            saga.StackLastSeen = null;
            await ChooseStackAsync(step);
        }) { Deadline = deadline };

        RecheckStack = new SagaStep<PromotionState>("recheck-stack", async step =>
        {
            var saga = step.Saga;
            if (step.GetRequiredService<TimeProvider>().GetUtcNow() >= saga.StackWaitUntil)
            {
                var which = saga.StackName is null ? "no stack was announced" : $"stack {saga.StackName} was not ready";
                throw new PromotionRefusedException($"{which} within {PromotionVerifier.Span(settings.StackWaitTimeout)} "
                    + $"to serve model {saga.ModelName} version {saga.ModelVersion} on; "
                    + (saga.StackLastSeen ?? "the Provisioner never answered (is it running?)"));
            }
            await ChooseStackAsync(step);
        }) { Deadline = deadline };

        Gate = new SagaStep<PromotionState>("gate", step =>
        {
            var saga = step.Saga;
            var policy = step.GetRequiredService<ModelPolicies>().For(saga.ModelName!);
            var alias = saga.RequestedAlias ?? policy.TargetAlias;
            if (!PromotionRequestRules.IsAlias(alias))
                throw new PromotionRefusedException($"the policy of model {saga.ModelName} names target alias '{PromotionRequestRules.Printable(alias)}', which MLflow does not accept as an alias");
            saga.Alias = alias;
            saga.GateResults = PromotionGates.Check(policy.Gates, saga.Metrics, saga.RunId);
            if (saga.ApprovedBy is not null)
                return Task.CompletedTask;
            // A person's deliberate choice is their approval, unless they asked to wait for one anyway.
            var needsApproval = saga.Deliberate ? saga.ApprovalRequested : policy.RequireApproval;
            if (!needsApproval)
            {
                saga.ApprovedBy = saga.Deliberate ? saga.RequestedBy ?? saga.Trigger : "policy (automatic)";
                saga.ApprovedAt = step.GetRequiredService<TimeProvider>().GetUtcNow();
            }
            return Task.CompletedTask;
        }) { Deadline = deadline };
    }

    /// <summary>The version exists and is READY (or PENDING, then waited for); its files and run are read.</summary>
    public SagaStep<PromotionState> Verify { get; }

    /// <summary>The same, at each poll of a PENDING version, bounded by <see cref="PromotionSettings.RegistrationTimeout"/>.</summary>
    public SagaStep<PromotionState> CheckRegistration { get; }

    /// <summary>Which stack the version serves on: the policy's, the trigger's, the run's <c>mlops.stack</c>, or the only one known.</summary>
    public SagaStep<PromotionState> FindStack { get; }

    /// <summary>The same, at each check while the stack is not ready, bounded by <see cref="PromotionSettings.StackWaitTimeout"/>.</summary>
    public SagaStep<PromotionState> RecheckStack { get; }

    /// <summary>The policy's gates and whether approval is needed.</summary>
    public SagaStep<PromotionState> Gate { get; }

    private static async Task ChooseStackAsync(SagaStepContext<PromotionState> step)
    {
        var saga = step.Saga;
        if (saga.StackName is not null)
            return;
        var policy = step.GetRequiredService<ModelPolicies>().For(saga.ModelName!);
        if ((policy.Stack ?? saga.TriggerStackName) is { Length: > 0 } named)
        {
            saga.StackName = named;
            return;
        }
        var known = await step.GetRequiredService<KnownStacks>().AllAsync(step.CancellationToken);
        switch (known.Count)
        {
            case 0:
                saga.StackLastSeen = "no stack has been announced yet (no StackReady seen)";
                return;
            case 1:
                saga.StackName = known[0].StackName;
                return;
            default:
                throw new PromotionRefusedException(
                    $"model {saga.ModelName} version {saga.ModelVersion} names no stack and {known.Count} are known "
                    + $"({string.Join(", ", known.Select(s => s.StackName).Order(StringComparer.Ordinal))}): tag its run with mlops.stack "
                    + $"or set ModelPromoter:Policies:Models:{saga.ModelName}:Stack");
        }
    }
}
