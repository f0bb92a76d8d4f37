using MassTransit;
using Mlops.Contracts;

namespace Mlops.ModelPromoter.Sagas;

/// <summary>
/// The registry as the source of truth (docs/model-promoter-promotion.md): when the target alias moves to a version the
/// product did not write, a person chose it, and that version is promoted deliberately (verified and gated; the choice
/// is the approval). The product's own writes are announced beforehand by the promotion that hands a version to serving,
/// so seeing them starts nothing. A removed alias is recorded and serves nothing; retiring is RetireModel's.
/// </summary>
public sealed class RegistryAliasStateMachine : MassTransitStateMachine<RegistryAliasState>
{
    /// <summary>How long a settled write of our own is still recognised when seen late (the reconciliation runs every few minutes).</summary>
    public static readonly TimeSpan OwnWriteMemory = TimeSpan.FromHours(1);

    /// <summary>
    /// How long after it settled a write of our own can still be missing from a reconciliation's read of the registry
    /// (the read happens before the observation is published; replicas' clocks differ a little).
    /// </summary>
    public static readonly TimeSpan SupersededAfter = TimeSpan.FromMinutes(1);

    /// <summary>How many pending writes of our own are kept per alias.</summary>
    public const int MaxOwnWrites = 20;

    // Fixed: changing it would orphan the stored aliases.
    private static readonly Guid AliasNamespace = new("6e2a9c41-d8b3-4f07-95ad-3c1b7e40f2a6");

    public RegistryAliasStateMachine()
    {
        InstanceState(x => x.CurrentState);
        Event(() => Observed, x => x.CorrelateById(m => IdOf(m.Message.ModelName, m.Message.Alias)));
        Event(() => WriteExpected, x => x.CorrelateById(m => IdOf(m.Message.ModelName, m.Message.Alias)));
        Event(() => WriteSettled, x =>
        {
            x.CorrelateById(m => IdOf(m.Message.ModelName, m.Message.Alias));
            x.OnMissingInstance(m => m.Discard());
        });

        Initially(
            When(WriteExpected).Then(context => Expect(context.Saga, context.Message)).TransitionTo(Following),
            When(Observed).Then(context => Begin(context.Saga, context.Message.ModelName, context.Message.Alias)).TransitionTo(Following)
                .If(context => RecordIsChoice(context.Saga, context.Message), Promote));

        During(Following,
            When(WriteExpected).Then(context => Expect(context.Saga, context.Message)),
            When(WriteSettled).Then(context => Settle(context.Saga, context.Message)),
            When(Observed).If(context => RecordIsChoice(context.Saga, context.Message), Promote));
    }

    public State Following { get; private set; } = null!;

    public Event<RegistryAliasObserved> Observed { get; private set; } = null!;
    public Event<RegistryAliasWriteExpected> WriteExpected { get; private set; } = null!;
    public Event<RegistryAliasWriteSettled> WriteSettled { get; private set; } = null!;

    /// <summary>The saga of one alias of one model.</summary>
    public static Guid IdOf(string modelName, string alias) => SagaIds.NameBased(AliasNamespace, $"{modelName}\n{alias}");

    private static EventActivityBinder<RegistryAliasState, RegistryAliasObserved> Promote(EventActivityBinder<RegistryAliasState, RegistryAliasObserved> binder) => binder
        .Then(context =>
        {
            context.Saga.LastChosenVersion = context.Message.Version;
            context.Saga.LastChoicePromotionId = PromotionIds.Deliberate(context.Message.ModelName, context.Message.Version!, context.Message.ObservationId);
            context.Saga.LastChosenAt = context.Message.OccurredAt;
        })
        .Publish(context => new PromotionTriggered
        {
            FlowId = Guid.Empty,
            OccurredAt = DateTimeOffset.UtcNow,
            ModelName = context.Message.ModelName,
            Version = context.Message.Version!,
            Trigger = PromotionTriggers.Alias,
            Attempt = context.Message.ObservationId,
            ChosenBy = $"a person moving alias {context.Message.Alias} in MLflow (seen by the {context.Message.Source})",
            Alias = context.Message.Alias,
        });

    private static void Begin(RegistryAliasState saga, string modelName, string alias)
    {
        saga.ModelName = modelName;
        saga.Alias = alias;
        saga.FlowId = saga.CorrelationId;
    }

    private static void Expect(RegistryAliasState saga, RegistryAliasWriteExpected write)
    {
        Begin(saga, write.ModelName, write.Alias);
        if (saga.OwnWrites.Any(w => w.PromotionId == write.PromotionId))
            return;
        saga.OwnWrites.Add(new RegistryAliasWrite { Version = write.Version, PromotionId = write.PromotionId, ExpectedAt = write.OccurredAt });
        if (saga.OwnWrites.Count > MaxOwnWrites)
            saga.OwnWrites.RemoveAt(0);
    }

    private static void Settle(RegistryAliasState saga, RegistryAliasWriteSettled settled)
    {
        var write = saga.OwnWrites.FirstOrDefault(w => w.PromotionId == settled.PromotionId);
        if (write is null)
            return;
        // Not served: the alias stays where it was. Served onto where it already pointed: no change will ever be seen.
        if (!settled.Served || saga.LastSeenVersion == write.Version)
            saga.OwnWrites.Remove(write);
        else
            write.SettledAt = settled.OccurredAt;
    }

    // The reconciliation reads where the alias points now: a write of ours that settled well before and points elsewhere was
    // moved past (two rollouts within one interval, a lost webhook) and will never be seen; kept, it would hide a person
    // moving the alias back to that version. A webhook may arrive late, so it says nothing about what is current.
    private static bool IsSupersededBy(RegistryAliasWrite write, DateTimeOffset settledAt, RegistryAliasObserved observed) =>
        observed.Source == PromotionTriggers.Reconciliation && observed.Version != write.Version
        && observed.OccurredAt - settledAt > SupersededAfter;

    /// <summary>Records the observation (the condition runs once per message); true when it is a person's choice to serve.</summary>
    private static bool RecordIsChoice(RegistryAliasState saga, RegistryAliasObserved observed)
    {
        var seenAt = observed.SeenAt ?? observed.OccurredAt;
        if (saga.LastSeenAt is { } last && seenAt < last)
        {
            // Older than what is recorded (a webhook MLflow delivered late): it says nothing about where the alias points
            // now. A write of ours it shows has been seen, though late, and must not make a later move to its version ours.
            // Across the two clocks (MLflow's for webhooks, the promoter's for the reconciliation) a skewed fresh move may
            // land here too; the next reconciliation pass then sees it.
            if (saga.OwnWrites.FirstOrDefault(w => w.Version == observed.Version) is { } seen)
                saga.OwnWrites.Remove(seen);
            return false;
        }
        saga.OwnWrites.RemoveAll(w => w.SettledAt is { } settledAt
            && (observed.OccurredAt - settledAt > OwnWriteMemory || IsSupersededBy(w, settledAt, observed)));
        if (observed.Version == saga.LastSeenVersion)
        {
            // The same version seen later: a move away and back whose webhooks arrive out of order is then told by time.
            saga.LastSeenAt = seenAt;
            return false;
        }
        saga.LastSeenVersion = observed.Version;
        saga.LastSeenAt = seenAt;
        if (observed.Version is null || observed.Baseline)
            return false;
        var own = saga.OwnWrites.FirstOrDefault(w => w.Version == observed.Version);
        if (own is not null)
        {
            saga.OwnWrites.Remove(own);
            return false;
        }
        return PromotionRequestRules.IsVersion(observed.Version);
    }
}
