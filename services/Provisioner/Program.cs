using Mlops.Provisioner.Extensions;
using Mlops.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults(bus => bus.AddProvisionerBus());
builder.AddProvisioner();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapProvisionerEndpoints();
await app.RunAsync();

/// <summary>The Provisioner's entry point, named so tests can host it.</summary>
public partial class Program;
