namespace Mlops.Sandbox.Control;

/// <summary>What a request to a stand-in is, in the imitated API's terms (Kubernetes: verb, API group, resource, namespace, name).</summary>
public sealed record SandboxRequest(string Verb, string Group, string Resource, string? Namespace, string? Name);
