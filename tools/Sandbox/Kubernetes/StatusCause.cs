namespace Mlops.Sandbox.Kubernetes;

/// <summary>One field-level reason of an Invalid error, e.g. FieldValueRequired at spec.template.spec.containers.</summary>
public sealed record StatusCause(string Reason, string Field, string Message);
