namespace Mlops.Sandbox.Control;

/// <summary>
/// What a request to a stand-in is, in the imitated API's terms (Kubernetes: verb, API group, resource, namespace, name),
/// and who sent it (the authenticated user, and the user it impersonates, when the stand-in knows).
/// </summary>
public sealed record SandboxRequest(string Verb, string Group, string Resource, string? Namespace, string? Name, string? User = null, string? ImpersonatedUser = null);
