using System.Diagnostics;
using MassTransit;
using Microsoft.Extensions.Logging;
using Mlops.Contracts;

namespace Mlops.ServiceDefaults.Messaging;

/// <summary>
/// Puts the message's FlowId into the log scope and onto the trace of everything a consumer does,
/// so one flow can be followed across services in logs and traces alike.
/// </summary>
public sealed class FlowScopeFilter<T>(ILogger<FlowScopeFilter<T>> logger) : IFilter<ConsumeContext<T>>
    where T : class
{
    public const string TagName = "mlops.flow_id";
    public const string ScopeKey = "FlowId";

    public async Task Send(ConsumeContext<T> context, IPipe<ConsumeContext<T>> next)
    {
        if (context.Message is not IFlowMessage { FlowId: var flowId } || flowId == Guid.Empty)
        {
            await next.Send(context);
            return;
        }

        var flow = flowId.ToString();
        // The baggage reaches the consume activity and every child span (HTTP calls, publishes).
        Activity.Current?.SetTag(TagName, flow).SetBaggage(TagName, flow);
        using (logger.BeginScope(new Dictionary<string, object> { [ScopeKey] = flow }))
            await next.Send(context);
    }

    public void Probe(ProbeContext context) => context.CreateFilterScope("flowScope");
}
