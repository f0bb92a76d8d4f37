using MassTransit;
using Mlops.SagaStore.Outbox;

namespace Mlops.SagaStore;

/// <summary>Work that must happen once per committed message, not once per attempt.</summary>
public static class SagaCommitExtensions
{
    /// <summary>
    /// Runs <paramref name="action"/> after the saga store commits what handling this message wrote, and never when the
    /// attempt is retried, fails or turns out a duplicate: for metrics and other side notes a retried transition must not
    /// repeat. Outside the store's outbox there is no later commit to wait for, so it runs at once.
    /// </summary>
    public static void AfterCommit(this PipeContext context, Action action)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(action);
        if (context.TryGetPayload<MessageTransaction>(out var transaction))
            transaction.AfterCommit.Add(action);
        else
            action();
    }
}
