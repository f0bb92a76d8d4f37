using System.Globalization;
using System.Text;

namespace Mlops.Sandbox.Mlflow;

/// <summary>Paging of search answers: an opaque token that holds the offset of the next page.</summary>
public static class PageToken
{
    /// <summary>One page of <paramref name="items"/> and the token of the next, or null on the last page.</summary>
    public static (IReadOnlyList<T> Page, string? NextPageToken) Slice<T>(IReadOnlyList<T> items, int maxResults, string? pageToken)
    {
        var offset = Decode(pageToken);
        var page = items.Skip(offset).Take(maxResults).ToList();
        var next = offset + page.Count < items.Count ? Encode(offset + page.Count) : null;
        return (page, next);
    }

    /// <summary>Checks <c>max_results</c> against MLflow's bounds for the endpoint.</summary>
    public static int MaxResults(long? requested, int fallback, int limit)
    {
        var value = requested ?? fallback;
        if (value < 1 || value > limit)
            throw MlflowException.InvalidParameter($"Invalid value {value} for parameter 'max_results' supplied. It must be at most {limit}, and at least 1.");
        return (int)value;
    }

    private static string Encode(int offset) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes($"{{\"offset\": {offset.ToString(CultureInfo.InvariantCulture)}}}"));

    private static int Decode(string? token)
    {
        if (string.IsNullOrEmpty(token))
            return 0;
        try
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(token));
            var digits = new string(text.Where(char.IsAsciiDigit).ToArray());
            return int.Parse(digits, CultureInfo.InvariantCulture);
        }
        catch (FormatException)
        {
            throw MlflowException.InvalidParameter($"Invalid page token, could not base64-decode: {token}");
        }
    }
}
