using Mlops.ModelPromoter.Extensions;
using Mlops.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults(bus => bus.AddModelPromoterBus());
builder.AddModelPromoterServices();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapModelPromoterEndpoints();
await app.RunAsync();
