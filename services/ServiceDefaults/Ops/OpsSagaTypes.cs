using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace Mlops.ServiceDefaults.Ops;

/// <summary>The saga types of this service that the ops API can replay or cancel, found from the state machines registered.</summary>
public sealed class OpsSagaTypes
{
    private readonly Dictionary<string, OpsSagaType> _types;

    private OpsSagaTypes(IEnumerable<OpsSagaType> types) =>
        _types = types.ToDictionary(t => t.Name, StringComparer.OrdinalIgnoreCase);

    /// <summary>The names of the saga types the ops API can drive.</summary>
    public IReadOnlyList<string> Names => _types.Keys.Order(StringComparer.Ordinal).ToArray();

    /// <summary>The type of this name (the saga store's name, any case), or null for a saga that is not a state machine.</summary>
    public OpsSagaType? Find(string sagaType) => _types.GetValueOrDefault(sagaType);

    /// <summary>
    /// Every <c>SagaStateMachine&lt;T&gt;</c> registered (MassTransit's <c>AddSagaStateMachine</c>), read when the container
    /// is built so sagas registered after <c>AddServiceDefaults</c> count too.
    /// </summary>
    internal static OpsSagaTypes From(IServiceCollection registrations, IServiceProvider services)
    {
        var machines = registrations
            .Select(d => d.ServiceType)
            .Where(t => !t.ContainsGenericParameters)
            .Select(t => (Service: t, Instance: StateMachineInstanceOf(t)))
            .Where(m => m.Instance is not null)
            .DistinctBy(m => m.Instance)
            .ToArray();
        return new OpsSagaTypes(machines.Select(m =>
        {
            var machine = services.GetRequiredService(m.Service);
            return (OpsSagaType)Activator.CreateInstance(typeof(OpsSagaType<>).MakeGenericType(m.Instance!), machine)!;
        }));
    }

    private static Type? StateMachineInstanceOf(Type type)
    {
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(SagaStateMachine<>))
            return type.GetGenericArguments()[0];
        return type.GetInterfaces()
            .FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(SagaStateMachine<>))
            ?.GetGenericArguments()[0];
    }
}
