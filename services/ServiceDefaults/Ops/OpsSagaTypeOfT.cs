using System.Reflection;
using System.Text.Json;
using MassTransit;
using Mlops.Contracts;
using Mlops.SagaStore;
using Mlops.ServiceDefaults.Sagas;

namespace Mlops.ServiceDefaults.Ops;

/// <summary>A saga type run by a MassTransit state machine.</summary>
internal sealed class OpsSagaType<TInstance>(StateMachine<TInstance> machine) : OpsSagaType
    where TInstance : class, SagaStateMachineInstance
{
    // The saga store's document format.
    private static readonly JsonSerializerOptions StoreJson = new(JsonSerializerDefaults.General);

    private readonly bool _takesReplay = machine.Events.Any(e => e is Event<ReplaySaga>);
    private readonly bool _takesCancel = machine.Events.Any(e => e is Event<CancelSaga>);

    public override string Name => typeof(TInstance).Name;

    public override SagaStepFailure? FailedStep(SagaInstanceRecord record) =>
        Read(record) is ISagaStepInstance steps ? steps.FailedStep : null;

    public override string? ReplayRefusal(SagaInstanceRecord record)
    {
        var what = $"{Name} {record.CorrelationId}";
        if (record.FinishedAt is not null)
            return $"{what} finished at {record.FinishedAt:O}: only a failed saga can be replayed.";
        if (!_takesReplay)
            return $"{what} does not take ReplaySaga.";
        var instance = Read(record);
        if (instance is not ISagaStepInstance)
            return $"{what} runs no saga steps, so there is nothing to replay.";
        return Refusal(instance, record.State);
    }

    public override string? CancelRefusal(SagaInstanceRecord record)
    {
        var what = $"{Name} {record.CorrelationId}";
        if (record.FinishedAt is not null)
            return $"{what} finished at {record.FinishedAt:O}: there is nothing to cancel.";
        if (!_takesCancel)
            return $"{what} does not take CancelSaga.";
        return null;
    }

    private static TInstance Read(SagaInstanceRecord record)
    {
        var instance = JsonSerializer.Deserialize<TInstance>(record.Data, StoreJson)
            ?? throw new InvalidOperationException($"Stored {typeof(TInstance).Name} {record.CorrelationId} has an empty document.");
        instance.CorrelationId = record.CorrelationId;
        return instance;
    }

    // The step helper's own rule, reached through a method whose constraint the compiler cannot check here.
    private string? Refusal(TInstance instance, string? state) =>
        (string?)typeof(OpsSagaType<TInstance>).GetMethod(nameof(StepRefusal), BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(typeof(TInstance)).Invoke(null, [machine, instance, state]);

    private static string? StepRefusal<TStep>(StateMachine<TStep> stepMachine, TStep instance, string? state)
        where TStep : class, ISagaStepInstance =>
        stepMachine.ReplayRefusal(instance, state);
}
