using System.Collections.Concurrent;
using MassTransit;
using Mlops.ModelPromoter.Serving;

namespace Mlops.ModelPromoter.Tests.Promotion;

/// <summary>
/// A small test double of the serving half: it answers each <see cref="ServeModelVersion"/> with
/// <see cref="ServingAttemptFinished"/> (served unless told otherwise) and, when it serves, points the alias in the MLflow
/// stand-in at the version as the real serving saga does, so the product's own alias writes are exercised.
/// </summary>
public sealed class ServingDouble(RegistrySeed registry) : IConsumer<ServeModelVersion>
{
    private readonly ConcurrentDictionary<string, (ServingOutcome Outcome, string? Reason)> _outcomes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _held = new(StringComparer.Ordinal);

    /// <summary>Every request, in arrival order.</summary>
    public ConcurrentQueue<ServeModelVersion> Requests { get; } = new();

    /// <summary>The next requests for this version end so.</summary>
    public void Answer(string model, string version, ServingOutcome outcome, string? reason = null) => _outcomes[Key(model, version)] = (outcome, reason);

    /// <summary>Requests for this version get no answer (a serving saga that never reports).</summary>
    public void Hold(string model, string version) => _held[Key(model, version)] = 0;

    public IReadOnlyList<ServeModelVersion> For(string model) => Requests.Where(r => r.ModelName == model).ToList();

    public async Task Consume(ConsumeContext<ServeModelVersion> context)
    {
        var request = context.Message;
        Requests.Enqueue(request);
        if (_held.ContainsKey(Key(request.ModelName, request.Version)))
            return;
        var (outcome, reason) = _outcomes.TryGetValue(Key(request.ModelName, request.Version), out var told) ? told : (ServingOutcome.Served, null);
        if (outcome == ServingOutcome.Served)
            await registry.SetAliasAsync(request.ModelName, request.Alias, request.Version);
        await context.Publish(new ServingAttemptFinished
        {
            FlowId = request.FlowId,
            OccurredAt = DateTimeOffset.UtcNow,
            PromotionId = request.PromotionId,
            ModelName = request.ModelName,
            Version = request.Version,
            Outcome = outcome,
            Reason = reason,
        });
    }

    private static string Key(string model, string version) => model + "\n" + version;
}
