using System.Linq.Expressions;
using System.Reflection;

namespace Mlops.SagaStore.Mapping;

/// <summary>
/// Turns a CorrelateBy filter into SQL over the stored columns. Only columns are accepted, never the JSON document, and the
/// filter must pin at least one column to a value in every alternative (an index lookup), so a correlation that would scan
/// every row is refused when the message arrives instead of slowing the service down. Reads are bounded by a LIMIT too.
/// </summary>
internal sealed class SagaFilterTranslator
{
    private readonly SagaMap _map;
    private readonly List<KeyValuePair<string, object?>> _parameters = [];

    private SagaFilterTranslator(SagaMap map) => _map = map;

    public static SqlFilter Translate(SagaMap map, LambdaExpression filter)
    {
        var translator = new SagaFilterTranslator(map);
        var where = translator.Visit(filter.Body);
        if (!IsLookup(filter.Body))
            throw translator.Unsupported($"'{filter.Body}' compares no indexed column with a value (== a value, in every || branch), so it would scan the table");
        return new SqlFilter(where, translator._parameters);
    }

    private string Visit(Expression node)
    {
        node = StripConvert(node);
        switch (node)
        {
            // State queries built by MassTransit combine with the non-short-circuit And/Or; on booleans they mean the same.
            case BinaryExpression { NodeType: ExpressionType.AndAlso or ExpressionType.And } and:
                return $"({Visit(and.Left)} AND {Visit(and.Right)})";
            case BinaryExpression { NodeType: ExpressionType.OrElse or ExpressionType.Or } or:
                return $"({Visit(or.Left)} OR {Visit(or.Right)})";
            case BinaryExpression { NodeType: ExpressionType.Equal or ExpressionType.NotEqual } comparison:
                return Comparison(comparison);
            case UnaryExpression { NodeType: ExpressionType.Not } not:
                return $"NOT ({Visit(not.Operand)})";
            case ConstantExpression { Value: bool constant }:
                return constant ? "1 = 1" : "1 = 0";
            default:
                throw Unsupported($"the expression '{node}' is not a comparison of a stored column with a value");
        }
    }

    // True when every row the filter matches must have some column equal to a given non-null value, which an index answers.
    private static bool IsLookup(Expression node)
    {
        node = StripConvert(node);
        return node switch
        {
            BinaryExpression { NodeType: ExpressionType.AndAlso or ExpressionType.And } and => IsLookup(and.Left) || IsLookup(and.Right),
            BinaryExpression { NodeType: ExpressionType.OrElse or ExpressionType.Or } or => IsLookup(or.Left) && IsLookup(or.Right),
            BinaryExpression { NodeType: ExpressionType.Equal } equal => !IsNullConstant(equal.Left) && !IsNullConstant(equal.Right)
                && !(IsOnSaga(StripConvert(equal.Left)) && IsOnSaga(StripConvert(equal.Right))) && HasValue(equal),
            _ => false,
        };
    }

    private static bool IsNullConstant(Expression node) => StripConvert(node) is ConstantExpression { Value: null };

    private static bool HasValue(BinaryExpression equal)
    {
        var value = IsOnSaga(StripConvert(equal.Left)) ? equal.Right : equal.Left;
        try
        {
            return Evaluate(StripConvert(value)) is not null;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private string Comparison(BinaryExpression comparison)
    {
        var left = StripConvert(comparison.Left);
        var right = StripConvert(comparison.Right);
        if (!IsOnSaga(left))
            (left, right) = (right, left);
        if (left is not MemberExpression { Expression: ParameterExpression } member)
            throw Unsupported($"'{comparison}' must compare a property of the saga with a value");
        if (IsOnSaga(right))
            throw Unsupported($"'{comparison}' compares two saga properties");

        var column = _map.ColumnFor(member.Member)
            ?? throw Unsupported($"{_map.Name}.{member.Member.Name} is not an indexed column; mark it with [SagaIndex]");
        var value = Evaluate(right);
        var equal = comparison.NodeType == ExpressionType.Equal;
        if (value is null)
            return equal ? $"{column} IS NULL" : $"{column} IS NOT NULL";

        var name = "@f" + _parameters.Count;
        _parameters.Add(new(name, column == "correlation_id" ? ToGuid(value) : IndexValueFormat.Format(value)));
        return equal ? $"{column} = {name}" : $"({column} IS NULL OR {column} <> {name})";
    }

    private static Guid ToGuid(object value) => value switch
    {
        Guid g => g,
        string s => Guid.Parse(s),
        _ => throw new NotSupportedException($"CorrelationId cannot be compared with a {value.GetType().Name}."),
    };

    // The filter's only parameter is the saga, though combined expressions may carry more than one instance of it.
    private static bool IsOnSaga(Expression node) =>
        node is ParameterExpression || node is MemberExpression { Expression: { } inner } && StripConvert(inner) is ParameterExpression;

    private static Expression StripConvert(Expression node)
    {
        while (node is UnaryExpression { NodeType: ExpressionType.Convert or ExpressionType.ConvertChecked } convert)
            node = convert.Operand;
        return node;
    }

    // Correlation filters carry the message's values as constants or closure fields; reading those directly avoids a compile per message.
    private static object? Evaluate(Expression node) => node switch
    {
        ConstantExpression constant => constant.Value,
        MemberExpression { Member: FieldInfo field } m => field.GetValue(m.Expression is null ? null : Evaluate(m.Expression)),
        MemberExpression { Member: PropertyInfo property } m => property.GetValue(m.Expression is null ? null : Evaluate(m.Expression)),
        UnaryExpression { NodeType: ExpressionType.Convert or ExpressionType.ConvertChecked } convert => Evaluate(convert.Operand),
        _ => Expression.Lambda(node).Compile().DynamicInvoke(),
    };

    private NotSupportedException Unsupported(string reason) =>
        new($"CorrelateBy on saga {_map.Name} cannot be answered from the saga store: {reason}.");
}
