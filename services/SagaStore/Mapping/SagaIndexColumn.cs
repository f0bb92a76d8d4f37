using System.Reflection;

namespace Mlops.SagaStore.Mapping;

/// <summary>One indexed property of a saga type and the column that holds it.</summary>
internal sealed record SagaIndexColumn(PropertyInfo Property, string Column, Func<object, object?> Read);
