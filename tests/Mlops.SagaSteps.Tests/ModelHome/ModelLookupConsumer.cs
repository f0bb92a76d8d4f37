using MassTransit;

namespace Mlops.SagaSteps.Tests.ModelHome;

/// <summary>A consumer that calls MLflow itself instead of handing the work to a saga: what it cannot do goes to its error queue.</summary>
public sealed class ModelLookupConsumer(IMlflowModelsApi mlflow, ModelLookupConsumer.Attempts attempts) : IConsumer<LookUpModel>
{
    public async Task Consume(ConsumeContext<LookUpModel> context)
    {
        attempts.Count(context.Message.ModelName);
        await mlflow.GetRegisteredModelAsync(context.Message.ModelName, context.CancellationToken);
    }

    /// <summary>How often each model was looked up.</summary>
    public sealed class Attempts
    {
        private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> _counts = new(StringComparer.Ordinal);

        public void Count(string model) => _counts.AddOrUpdate(model, 1, (_, n) => n + 1);

        public int Of(string model) => _counts.GetValueOrDefault(model);
    }
}
