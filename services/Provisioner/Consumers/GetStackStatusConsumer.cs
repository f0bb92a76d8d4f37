using System.Text.Json;
using MassTransit;
using Mlops.Contracts;
using Mlops.Provisioner.Sagas;
using Mlops.SagaStore;

namespace Mlops.Provisioner.Consumers;

/// <summary>
/// Answers <see cref="GetStackStatus"/> from the stack saga's stored state, without touching it: ready or not, where it
/// stopped and why, and what <see cref="StackReady"/> announced. A stack never provisioned is answered <c>Known = false</c>.
/// </summary>
public sealed class GetStackStatusConsumer(ISagaCatalog catalog) : IConsumer<GetStackStatus>
{
    private static readonly string[] ReadyWhileChecking =
    [
        "ProvisioningNamespaces", "ProvisioningSecrets", "ProvisioningComponents", "ProvisioningBuckets", "ProvisioningNotifications", "ProvisioningMlflow",
    ];

    public async Task Consume(ConsumeContext<GetStackStatus> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = context.Message;
        await context.RespondAsync(await StatusOfAsync(request.StackName, request.FlowId, context.CancellationToken));
    }

    public async Task<StackStatus> StatusOfAsync(string? stackName, Guid flowId, CancellationToken cancellationToken)
    {
        var unknown = new StackStatus
        {
            FlowId = flowId,
            OccurredAt = DateTimeOffset.UtcNow,
            StackName = stackName ?? "",
            Known = false,
            Ready = false,
        };
        Guid id;
        try
        {
            id = SagaIds.ForStack(stackName ?? "");
        }
        catch (ArgumentException ex)
        {
            return unknown with { Reason = $"not a stack name: {ex.Message}" };
        }
        var record = await catalog.FindAsync(id, nameof(StackState), cancellationToken);
        if (record is null)
            return unknown;
        var saga = JsonSerializer.Deserialize<StackState>(record.Data)!;
        // A ready stack being checked again by reconciliation stays usable meanwhile.
        var ready = record.State == "Ready" || (saga.Run == StackRunKind.Reconciling && ReadyWhileChecking.Contains(record.State));
        return unknown with
        {
            StackName = saga.StackName ?? unknown.StackName,
            Known = true,
            Ready = ready,
            State = record.State,
            FailedStep = saga.FailedStep?.Step,
            Reason = saga.FailedStep?.Reason ?? (ready ? null : saga.PendingStep?.LastReason),
            Stack = ready ? saga.Announced : null,
        };
    }
}
