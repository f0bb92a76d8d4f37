using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Mlops.Sandbox.Mlflow;

/// <summary>
/// MLflow's search filter: comparisons joined by AND, e.g. <c>name = 'cnn_classifier' AND tags.arch LIKE 'vgg%'</c>.
/// Identifiers may carry a prefix (<c>tags.</c>, <c>params.</c>, <c>metrics.</c>, <c>attributes.</c>) and backticks.
/// </summary>
public sealed class SearchFilter
{
    private static readonly string[] s_operators = ["!=", "<=", ">=", "=", "<", ">"];

    private readonly List<Comparison> _comparisons;

    private SearchFilter(List<Comparison> comparisons)
    {
        _comparisons = comparisons;
    }

    /// <summary>A filter that matches everything.</summary>
    public static SearchFilter All { get; } = new([]);

    /// <summary>Parses <paramref name="text"/>; an unparsable filter is INVALID_PARAMETER_VALUE, as in MLflow.</summary>
    public static SearchFilter Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
            return All;
        var tokens = Tokenize(text);
        var comparisons = new List<Comparison>();
        var i = 0;
        while (i < tokens.Count)
        {
            if (i + 1 >= tokens.Count)
                throw Invalid(text);
            var identifier = tokens[i].Text;
            var op = tokens[i + 1].Text.ToUpperInvariant();
            i += 2;
            object value;
            if (op == "IN" || (op == "NOT" && i < tokens.Count && IsKeyword(tokens[i], "IN")))
            {
                if (op == "NOT")
                {
                    op = "NOT IN";
                    i++;
                }
                var values = new List<string>();
                if (i >= tokens.Count || tokens[i].Text != "(")
                    throw Invalid(text);
                i++;
                while (i < tokens.Count && tokens[i].Text != ")")
                {
                    if (tokens[i].Text != ",")
                        values.Add(tokens[i].Text);
                    i++;
                }
                if (i >= tokens.Count)
                    throw Invalid(text);
                i++;
                value = values;
            }
            else
            {
                if (!s_operators.Contains(op) && op is not ("LIKE" or "ILIKE"))
                    throw Invalid(text);
                if (i >= tokens.Count)
                    throw Invalid(text);
                var literal = tokens[i++];
                value = literal.Quoted ? literal.Text
                    : double.TryParse(literal.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) ? number
                    : literal.Text;
            }
            comparisons.Add(new Comparison(Normalize(identifier), op, value));
            if (i < tokens.Count)
            {
                if (!IsKeyword(tokens[i], "AND"))
                    throw Invalid(text);
                i++;
                if (i >= tokens.Count)
                    throw Invalid(text);
            }
        }
        return new SearchFilter(comparisons);
    }

    /// <summary>The identifiers the filter compares, e.g. <c>name</c>, <c>tags.arch</c>.</summary>
    public IEnumerable<string> Identifiers => _comparisons.Select(c => c.Identifier);

    /// <summary>True when every comparison holds for the values <paramref name="lookup"/> gives (null: absent).</summary>
    public bool Matches(Func<string, object?> lookup) => _comparisons.All(c => c.Holds(lookup(c.Identifier)));

    private static bool IsKeyword(Token token, string keyword) =>
        !token.Quoted && string.Equals(token.Text, keyword, StringComparison.OrdinalIgnoreCase);

    private static MlflowException Invalid(string text) =>
        MlflowException.InvalidParameter($"Invalid filter '{text}'. Could not be parsed.");

    // "attributes.name" and "name" are the same field; "tag." and "param." are MLflow's short prefixes.
    private static string Normalize(string identifier)
    {
        var parts = identifier.Split('.', 2);
        if (parts.Length == 1)
            return identifier;
        var prefix = parts[0].ToLowerInvariant() switch
        {
            "attribute" or "attributes" or "attr" or "run" => "",
            "tag" or "tags" => "tags.",
            "param" or "params" or "parameter" or "parameters" => "params.",
            "metric" or "metrics" => "metrics.",
            _ => parts[0] + ".",
        };
        return prefix + parts[1].Trim('`', '"');
    }

    private static List<Token> Tokenize(string text)
    {
        var tokens = new List<Token>();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
            }
            else if (c is '\'' or '"')
            {
                var end = text.IndexOf(c, i + 1);
                if (end < 0)
                    throw Invalid(text);
                tokens.Add(new Token(text[(i + 1)..end], Quoted: true));
                i = end + 1;
            }
            else if (c is '(' or ')' or ',')
            {
                tokens.Add(new Token(c.ToString(), Quoted: false));
                i++;
            }
            else if (c is '=' or '!' or '<' or '>')
            {
                var two = i + 1 < text.Length ? text.Substring(i, 2) : null;
                var op = two is "!=" or "<=" or ">=" ? two : c.ToString();
                tokens.Add(new Token(op, Quoted: false));
                i += op.Length;
            }
            else
            {
                var word = new StringBuilder();
                while (i < text.Length && !char.IsWhiteSpace(text[i]) && text[i] is not ('=' or '!' or '<' or '>' or '(' or ')' or ','))
                {
                    if (text[i] == '`')
                    {
                        var end = text.IndexOf('`', i + 1);
                        if (end < 0)
                            throw Invalid(text);
                        word.Append(text, i + 1, end - i - 1);
                        i = end + 1;
                    }
                    else if (text[i] is '"' or '\'')
                    {
                        var end = text.IndexOf(text[i], i + 1);
                        if (end < 0)
                            throw Invalid(text);
                        word.Append(text, i + 1, end - i - 1);
                        i = end + 1;
                    }
                    else
                    {
                        word.Append(text[i++]);
                    }
                }
                tokens.Add(new Token(word.ToString(), Quoted: false));
            }
        }
        return tokens;
    }

    private sealed record Token(string Text, bool Quoted);

    private sealed record Comparison(string Identifier, string Operator, object Value)
    {
        public bool Holds(object? actual)
        {
            if (actual is null)
                return Operator is "!=" or "NOT IN";
            if (Value is List<string> list)
            {
                var contained = list.Contains(Convert.ToString(actual, CultureInfo.InvariantCulture), StringComparer.Ordinal);
                return Operator == "IN" ? contained : !contained;
            }
            if (Operator is "LIKE" or "ILIKE")
            {
                var pattern = "^" + Regex.Escape(Convert.ToString(Value, CultureInfo.InvariantCulture)!).Replace("%", ".*", StringComparison.Ordinal).Replace("_", ".", StringComparison.Ordinal) + "$";
                var options = Operator == "ILIKE" ? RegexOptions.IgnoreCase : RegexOptions.None;
                return Regex.IsMatch(Convert.ToString(actual, CultureInfo.InvariantCulture)!, pattern, options | RegexOptions.Singleline, TimeSpan.FromSeconds(1));
            }
            int order;
            if (actual is double or long or int && Value is double expected)
                order = Convert.ToDouble(actual, CultureInfo.InvariantCulture).CompareTo(expected);
            else
                order = string.CompareOrdinal(Convert.ToString(actual, CultureInfo.InvariantCulture), Convert.ToString(Value, CultureInfo.InvariantCulture));
            return Operator switch
            {
                "=" => order == 0,
                "!=" => order != 0,
                "<" => order < 0,
                "<=" => order <= 0,
                ">" => order > 0,
                _ => order >= 0,
            };
        }
    }
}
