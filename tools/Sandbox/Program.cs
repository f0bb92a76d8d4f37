using Mlops.Sandbox.Hosting;

var configuration = new ConfigurationBuilder()
    .AddJsonFile("appsettings.json", optional: true)
    .AddEnvironmentVariables()
    .AddCommandLine(args)
    .Build();

await using var sandbox = await SandboxHost.StartAsync(configuration);
foreach (var endpoint in sandbox.Endpoints)
    Console.WriteLine($"{endpoint.Name} {endpoint.Url.ToString().TrimEnd('/')}");
await sandbox.WaitForShutdownAsync();
