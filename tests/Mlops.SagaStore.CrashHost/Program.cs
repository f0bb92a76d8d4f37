using Mlops.SagaStore;
using Mlops.SagaStore.CrashHost.Orders;
using Mlops.SagaStore.CrashHost.Parcels;
using Mlops.ServiceDefaults;

// A service as the product's services are built (AddServiceDefaults: endpoint pipeline, outbox, saga store), small enough
// for the saga store's process tests to start, SIGKILL (SagaStore:Testing:CrashAt) and restart.
var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults(bus =>
{
    bus.AddSagaStateMachine<OrderStateMachine, OrderState>();
    bus.AddSagaStateMachine<OrderLedgerStateMachine, OrderLedgerState>();
    bus.AddConsumer<ParcelScanConsumer>(typeof(ParcelScanConsumerDefinition));
});

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapGet("/sagas/{id:guid}", async (Guid id, string? type, ISagaCatalog catalog) =>
    await catalog.FindAsync(id, type) is { } record ? Results.Ok(record) : Results.NotFound());
app.MapGet("/outbox", (ISagaCatalog catalog) => catalog.OutboxBacklogAsync());
await app.RunAsync();
