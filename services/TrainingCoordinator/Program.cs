using Mlops.ServiceDefaults;
using Mlops.TrainingCoordinator.Extensions;

var builder = WebApplication.CreateBuilder(args);
builder.AddApplicationServices();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapApplicationEndpoints();
await app.RunAsync();

/// <summary>The TrainingCoordinator's entry point, named so tests can host the real Program.</summary>
public partial class Program;
