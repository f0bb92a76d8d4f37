using System.Globalization;
using System.Text;
using CsCheck;

namespace Mlops.Hostile.Tests.Properties;

/// <summary>
/// JSON texts built from a vocabulary of field names, so arbitrary documents reach far into a parser (the right names
/// with the wrong types, nulls, empty lists, escapes of lone surrogates), and the odd text that is not JSON at all.
/// </summary>
public static class JsonShapes
{
    private static readonly string[] Scalars =
    [
        "null", "true", "false", "0", "-1", "1e400", "12345678901234567890", "0.5", "\"\"", "\"s3:ObjectCreated:Put\"",
        "\"s3:ObjectRemoved:Delete\"", "\"mlflow\"", "\"0%2F6f1c2d9e4b7a4c0d9e8f7a6b5c4d3e2f%2Fartifacts%2Fmodel%2FMLmodel\"",
        "\"..%2F..%2Fetc%2Fpasswd\"", "\"\\uD800\"", "\"\\u0000\"", "\"cnn_cl\\u0430ssifier\"", "\"2024-05-01T10:00:00Z\"", "\"not a date\"",
        "\"model_version\"", "\"created\"", "\"model_version_alias\"", "\"deleted\"", "\"champion\"", "\"1\"", "7",
    ];

    /// <summary>A JSON document whose objects take their field names from <paramref name="names"/>.</summary>
    public static Gen<string> Document(params string[] names)
    {
        var scalar = Gen.Frequency(
            (4, Gen.OneOf<string>(Scalars)),
            (2, HostileText.Any.Select(Quote)),
            (1, Gen.Long.Select(n => n.ToString(CultureInfo.InvariantCulture))));
        var key = Gen.Frequency((8, Gen.OneOf<string>(names)), (1, HostileText.Any));
        var value = Gen.Recursive<string>((depth, self) => depth >= 5
            ? scalar
            : Gen.Frequency(
                (3, scalar),
                (2, self.Array[0, 3].Select(items => "[" + string.Join(",", items) + "]")),
                (3, Gen.Select(key, self).Array[0, 5].Select(fields => "{" + string.Join(",", fields.Select(f => Quote(f.Item1) + ":" + f.Item2)) + "}"))));
        return Gen.Frequency((12, value), (1, HostileText.Any));
    }

    /// <summary>A JSON string literal of <paramref name="text"/>, lone surrogates written as \u escapes as a sender may.</summary>
    public static string Quote(string text)
    {
        var json = new StringBuilder("\"");
        foreach (var c in text)
        {
            if (c is '"' or '\\')
                json.Append('\\').Append(c);
            else if (c < ' ' || char.IsSurrogate(c))
                json.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}");
            else
                json.Append(c);
        }
        return json.Append('"').ToString();
    }
}
