using MassTransit;
using Microsoft.Extensions.Options;
using Mlops.Contracts;
using Mlops.Provisioner.Stacks;
using Mlops.Provisioner.Steps;
using Mlops.SagaStore;
using Mlops.ServiceDefaults.Sagas;

namespace Mlops.Provisioner.Sagas;

/// <summary>
/// One stack, set up in order and kept so: validate, namespaces, secrets, components, buckets, notifications, MLflow,
/// then ready. Each step announces its event once it succeeded; a ready stack is checked again every
/// <c>Provisioner:ReconcileInterval</c> (a deadline, not a timer) and what drifted is repaired and reported.
/// See docs/provisioner.md.
/// </summary>
public sealed class StackStateMachine : MassTransitStateMachine<StackState>
{
    public StackStateMachine(IOptions<ProvisionerOptions> settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var options = settings.Value;
        InstanceState(x => x.CurrentState);
        Event(() => Provision, x => x.CorrelateById(m => SagaIds.ForStack(m.Message.StackName)));
        Event(() => Replay, x =>
        {
            x.CorrelateById(m => m.Message.CorrelationId);
            x.OnMissingInstance(m => m.Discard());
        });
        Event(() => ReconcileDue, x => x.OnMissingInstance(m => m.Discard()));
        // Stale deadlines and retries that a state does not take are acknowledged and change nothing.
        OnUnhandledEvent(context => context.Ignore());

        var validate = Step<ValidateStep>(ValidateStep.Name, options.StepDeadline);
        var namespaces = Step<NamespacesStep>(StackSteps.Namespaces, options.StepDeadline);
        var secrets = Step<SecretsStep>(StackSteps.Secrets, options.SecretTimeout);
        var components = Step<ComponentsStep>(StackSteps.Components, options.RolloutTimeout);
        var buckets = Step<BucketsStep>(StackSteps.Buckets, options.StepDeadline);
        var notifications = Step<NotificationsStep>(StackSteps.Notifications, options.StepDeadline);
        var mlflow = Step<MlflowStep>(StackSteps.Mlflow, options.StepDeadline);

        this.UseSagaSteps(Failed, async (context, failure) =>
        {
            var saga = context.Saga;
            await context.Publish(new StackProvisioningFailed
            {
                FlowId = saga.FlowId,
                OccurredAt = DateTimeOffset.UtcNow,
                StackName = saga.StackName!,
                Step = failure.Step,
                Reason = failure.Reason,
            });
            if (saga.Run == StackRunKind.Reconciling)
            {
                await context.Publish(new StackDriftDetected
                {
                    FlowId = saga.FlowId,
                    OccurredAt = DateTimeOffset.UtcNow,
                    StackName = saga.StackName!,
                    Drift = [.. saga.Changes, new StackDrift { Step = failure.Step, Description = failure.Reason, Repaired = false }],
                    Repaired = false,
                });
            }
        });

        Initially(
            When(Provision)
                .Then(Accept)
                .TransitionTo(Validating));

        // A new description restarts from the first step, whatever the stack was doing: every step is idempotent.
        DuringAny(
            When(Provision)
                .Then(Accept)
                .TransitionTo(Validating));

        During(Validating,
            When(Validating.Enter).Step(validate, then => then.TransitionTo(ProvisioningNamespaces)));
        During(ProvisioningNamespaces,
            When(ProvisioningNamespaces.Enter).Step(namespaces, then => then.TransitionTo(ProvisioningSecrets)));
        During(ProvisioningSecrets,
            When(ProvisioningSecrets.Enter).Step(secrets, then => then
                .If(c => c.Saga.Run == StackRunKind.Provisioning, announce => announce.ThenAsync(PublishSecretsReadyAsync))
                .TransitionTo(ProvisioningComponents)));
        During(ProvisioningComponents,
            When(ProvisioningComponents.Enter).Step(components, then => then.TransitionTo(ProvisioningBuckets)));
        During(ProvisioningBuckets,
            When(ProvisioningBuckets.Enter).Step(buckets, then => then
                .If(c => c.Saga.Run == StackRunKind.Provisioning, announce => announce.ThenAsync(PublishBucketsReadyAsync))
                .TransitionTo(ProvisioningNotifications)));
        During(ProvisioningNotifications,
            When(ProvisioningNotifications.Enter).Step(notifications, then => then
                .If(c => c.Saga.Run == StackRunKind.Provisioning, announce => announce.ThenAsync(PublishNotificationsConfiguredAsync))
                .TransitionTo(ProvisioningMlflow)));
        During(ProvisioningMlflow,
            When(ProvisioningMlflow.Enter).Step(mlflow, then => then
                .ThenAsync(FinishRunAsync)
                .TransitionTo(Ready)));

        During(Ready,
            When(Ready.Enter).Then(context =>
            {
                if (options.ReconcileInterval <= TimeSpan.Zero)
                {
                    context.Saga.NextReconcileAt = null;
                    return;
                }
                var at = DateTimeOffset.FromUnixTimeMilliseconds((DateTimeOffset.UtcNow + options.ReconcileInterval).ToUnixTimeMilliseconds());
                context.Saga.NextReconcileAt = at;
                context.SetDeadline(at, typeof(StackReconcileDue));
            }),
            When(ReconcileDue, context => context.Saga.NextReconcileAt is { } due && context.Message.DeadlineAt.ToUnixTimeMilliseconds() >= due.ToUnixTimeMilliseconds())
                .Then(context =>
                {
                    var saga = context.Saga;
                    saga.Run = StackRunKind.Reconciling;
                    saga.RunStartedAt = DateTimeOffset.UtcNow;
                    saga.Changes = [];
                    saga.NextReconcileAt = null;
                })
                .TransitionTo(ProvisioningNamespaces));

        DuringAny(
            When(StepRetryDue).RetryPendingStep(),
            When(Replay).ReplayFailedStep());
    }

    public State Validating { get; private set; } = null!;
    public State ProvisioningNamespaces { get; private set; } = null!;
    public State ProvisioningSecrets { get; private set; } = null!;
    public State ProvisioningComponents { get; private set; } = null!;
    public State ProvisioningBuckets { get; private set; } = null!;
    public State ProvisioningNotifications { get; private set; } = null!;
    public State ProvisioningMlflow { get; private set; } = null!;
    public State Ready { get; private set; } = null!;
    public State Failed { get; private set; } = null!;

    public Event<ProvisionStack> Provision { get; private set; } = null!;
    public Event<ReplaySaga> Replay { get; private set; } = null!;
    public Event<StackReconcileDue> ReconcileDue { get; private set; } = null!;
    public Event<SagaStepRetryDue<StackState>> StepRetryDue { get; private set; } = null!;

    /// <summary>What <see cref="StackReady"/> announces for the stack as described.</summary>
    public static StackReady ReadyOf(StackState saga)
    {
        ArgumentNullException.ThrowIfNull(saga);
        var stack = saga.Stack!;
        return new StackReady
        {
            FlowId = saga.FlowId,
            OccurredAt = DateTimeOffset.UtcNow,
            StackName = stack.StackName,
            Namespace = stack.Namespace,
            MlflowTrackingUri = stack.Mlflow.TrackingUri,
            MinioEndpoint = stack.Minio.Endpoint,
            ArtifactBucket = stack.ArtifactBucket,
            Buckets = stack.Buckets.Select(b => b.Name).ToList(),
            Credentials = stack.Credentials,
            Namespaces =
            [
                new StackNamespace { Name = stack.Namespace, Credentials = stack.Credentials },
                .. stack.ExtraNamespaces.Select(n => new StackNamespace { Name = n.Name, Credentials = n.Credentials }),
            ],
            MinioExchange = stack.Minio.Target.Exchange,
        };
    }

    private static SagaStep<StackState> Step<TStep>(string name, TimeSpan deadline)
        where TStep : IStackStep =>
        new(name, step => step.GetRequiredService<TStep>().RunAsync(new StackStepRun(step, step.Services.GetService(typeof(TimeProvider)) as TimeProvider ?? TimeProvider.System)))
        {
            Deadline = deadline,
        };

    private static void Accept(BehaviorContext<StackState, ProvisionStack> context)
    {
        var saga = context.Saga;
        var message = context.Message;
        saga.StackName = message.StackName;
        saga.Stack = message;
        saga.FlowId = message.FlowId;
        saga.RequestedBy = message.RequestedBy;
        saga.Run = StackRunKind.Provisioning;
        saga.RunStartedAt = DateTimeOffset.UtcNow;
        saga.Changes = [];
        saga.FailedStep = null;
        saga.NextReconcileAt = null;
    }

    private static async Task PublishSecretsReadyAsync(BehaviorContext<StackState> context)
    {
        var saga = context.Saga;
        foreach (var group in RequiredSecret.Of(saga.Stack!).GroupBy(s => s.Namespace))
        {
            await context.Publish(new SecretsReady
            {
                FlowId = saga.FlowId,
                OccurredAt = DateTimeOffset.UtcNow,
                StackName = saga.StackName!,
                Namespace = group.Key,
                SecretNames = group.Select(s => s.Name).ToList(),
            });
        }
    }

    private static async Task PublishBucketsReadyAsync(BehaviorContext<StackState> context)
    {
        var saga = context.Saga;
        foreach (var bucket in saga.Stack!.Buckets)
        {
            await context.Publish(new MinioBucketReady
            {
                FlowId = saga.FlowId,
                OccurredAt = DateTimeOffset.UtcNow,
                StackName = saga.StackName!,
                BucketName = bucket.Name,
            });
        }
    }

    private static async Task PublishNotificationsConfiguredAsync(BehaviorContext<StackState> context)
    {
        var saga = context.Saga;
        var arn = NotificationsStep.ArnOf(saga.Stack!.Minio.Target);
        foreach (var bucket in saga.Stack.Buckets.Where(b => b.Notifications.Count > 0))
        {
            await context.Publish(new BucketNotificationsConfigured
            {
                FlowId = saga.FlowId,
                OccurredAt = DateTimeOffset.UtcNow,
                StackName = saga.StackName!,
                BucketName = bucket.Name,
                QueueArn = arn,
                Events = bucket.Notifications.SelectMany(n => n.Events).Distinct(StringComparer.Ordinal).ToList(),
            });
        }
    }

    private static async Task FinishRunAsync(BehaviorContext<StackState> context)
    {
        var saga = context.Saga;
        var now = DateTimeOffset.UtcNow;
        if (saga.Run == StackRunKind.Provisioning)
        {
            saga.Announced = ReadyOf(saga);
            saga.ReadyAt = now;
            await context.Publish(saga.Announced);
            return;
        }
        saga.ReconciledAt = now;
        if (saga.Changes.Count > 0)
        {
            await context.Publish(new StackDriftDetected
            {
                FlowId = saga.FlowId,
                OccurredAt = now,
                StackName = saga.StackName!,
                Drift = [.. saga.Changes],
                Repaired = true,
            });
        }
    }
}
