using System.Text.Json;

namespace Mlops.Sandbox.Storage.Tests;

/// <summary>Compares two JSON documents by structure: the same property names, in order, and value kinds at every level.</summary>
public static class JsonShape
{
    /// <summary>Fails with every difference when the shapes differ.</summary>
    public static void AssertSame(JsonElement expected, JsonElement actual)
    {
        var differences = Differences(expected, actual);
        Assert.True(differences.Count == 0, string.Join("\n", differences) + "\nactual: " + actual);
    }

    /// <summary>The paths where <paramref name="actual"/> differs in shape from <paramref name="expected"/>.</summary>
    public static IReadOnlyList<string> Differences(JsonElement expected, JsonElement actual, string path = "$")
    {
        var differences = new List<string>();
        if (expected.ValueKind != actual.ValueKind)
        {
            differences.Add($"{path}: expected {expected.ValueKind}, got {actual.ValueKind}");
            return differences;
        }
        // A user metadata map holds whatever the client sent; only its being an object is shape.
        if (expected.ValueKind == JsonValueKind.Object && !path.EndsWith(".userMetadata", StringComparison.Ordinal))
        {
            var expectedNames = expected.EnumerateObject().Select(p => p.Name).ToList();
            var actualNames = actual.EnumerateObject().Select(p => p.Name).ToList();
            if (!expectedNames.SequenceEqual(actualNames))
                differences.Add($"{path}: properties [{string.Join(", ", expectedNames)}] expected, got [{string.Join(", ", actualNames)}]");
            foreach (var name in expectedNames.Intersect(actualNames))
                differences.AddRange(Differences(expected.GetProperty(name), actual.GetProperty(name), $"{path}.{name}"));
        }
        else if (expected.ValueKind == JsonValueKind.Array)
        {
            if (expected.GetArrayLength() != actual.GetArrayLength())
                differences.Add($"{path}: {expected.GetArrayLength()} items expected, got {actual.GetArrayLength()}");
            else
                differences.AddRange(expected.EnumerateArray().Zip(actual.EnumerateArray()).SelectMany((p, i) => Differences(p.First, p.Second, $"{path}[{i}]")));
        }
        return differences;
    }
}
