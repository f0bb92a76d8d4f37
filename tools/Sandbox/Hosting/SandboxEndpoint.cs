namespace Mlops.Sandbox.Hosting;

/// <summary>A served stand-in as printed at start: its name and base URL.</summary>
public sealed record SandboxEndpoint(string Name, Uri Url);
