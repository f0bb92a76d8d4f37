using MassTransit;
using Mlops.Contracts;
using Mlops.ModelPromoter.Sagas;

namespace Mlops.ModelPromoter.Triggers;

/// <summary>Counts every <see cref="ModelRegistered"/> and <see cref="PromoteModel"/> the promoter receives, duplicates included, as its source's last event.</summary>
public sealed class TriggerCommandObserver(TriggerActivity activity) : IConsumeObserver
{
    public Task PreConsume<T>(ConsumeContext<T> context) where T : class
    {
        if (typeof(T) == typeof(ModelRegistered))
            activity.Seen(PromotionTriggers.ModelRegistered);
        else if (typeof(T) == typeof(PromoteModel))
            activity.Seen(PromotionTriggers.PromoteModel);
        return Task.CompletedTask;
    }

    public Task PostConsume<T>(ConsumeContext<T> context) where T : class => Task.CompletedTask;

    public Task ConsumeFault<T>(ConsumeContext<T> context, Exception exception) where T : class => Task.CompletedTask;
}
