namespace Mlops.SagaStore;

/// <summary>Stores this saga property in its own indexed column, so CorrelateBy and ops queries on it do not scan.</summary>
/// <remarks>Supported types: string, Guid, integers and enums (nullable too).</remarks>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false, Inherited = true)]
public sealed class SagaIndexAttribute : Attribute;
