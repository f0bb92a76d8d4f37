using System.Text.RegularExpressions;

namespace Mlops.ModelPromoter.Triggers.Minio;

/// <summary>
/// An object key in a stack's artifact bucket, read as MLflow lays models out: <c>&lt;experiment_id&gt;/&lt;run_id&gt;/artifacts/&lt;path&gt;/MLmodel</c>
/// (MLflow 2, and 3 for run artifacts) or <c>&lt;experiment_id&gt;/models/&lt;model_id&gt;/artifacts/MLmodel</c> (MLflow 3 logged
/// models). Only the ids a pattern admits leave the key; a key that leaves the layout is never a name or a path.
/// </summary>
public sealed partial record MlflowArtifactKey
{
    public const string MlmodelFile = "MLmodel";

    public required string ExperimentId { get; init; }

    /// <summary>The run, for MLflow's run layout; null for a logged model.</summary>
    public string? RunId { get; init; }

    /// <summary>The MLflow 3 logged model (<c>m-&lt;32 hex&gt;</c>); null for the run layout.</summary>
    public string? LoggedModelId { get; init; }

    /// <summary>The model's directory under <c>artifacts/</c> (e.g. <c>model</c>); empty for a logged model.</summary>
    public string ArtifactPath { get; init; } = "";

    /// <summary>What a key is to the promoter.</summary>
    public enum Kind
    {
        /// <summary>An <c>MLmodel</c> in MLflow's layout: a model was logged.</summary>
        Model,

        /// <summary>Any other object (weights, an MLmodel elsewhere): nothing to do.</summary>
        Other,

        /// <summary>A key that, decoded, leaves the layout (<c>..</c>, control characters, separators still encoded): refused.</summary>
        Unsafe,
    }

    /// <summary>Reads a decoded object key; <paramref name="why"/> says what is wrong with an unsafe one or why another is not a model.</summary>
    public static Kind Read(string decodedKey, out MlflowArtifactKey? key, out string why)
    {
        ArgumentNullException.ThrowIfNull(decodedKey);
        key = null;
        if (decodedKey.Any(char.IsControl))
        {
            why = "it holds control characters";
            return Kind.Unsafe;
        }
        if (decodedKey.Contains('\\', StringComparison.Ordinal))
        {
            why = "it holds a backslash";
            return Kind.Unsafe;
        }
        // Decoded once, a key holding an escape of a separator, a dot or a percent sign was encoded twice.
        if (EncodedSeparator().IsMatch(decodedKey))
        {
            why = "it still holds an encoded separator after decoding";
            return Kind.Unsafe;
        }
        var segments = decodedKey.Split('/');
        if (segments.Any(s => s is "" or "." or ".."))
        {
            why = "it has an empty, '.' or '..' segment";
            return Kind.Unsafe;
        }
        if (segments[^1] != MlmodelFile)
        {
            why = "not an MLmodel file";
            return Kind.Other;
        }
        if (segments.Length >= 5 && ExperimentPattern().IsMatch(segments[0]) && RunPattern().IsMatch(segments[1]) && segments[2] == "artifacts")
        {
            key = new MlflowArtifactKey { ExperimentId = segments[0], RunId = segments[1], ArtifactPath = string.Join('/', segments[3..^1]) };
            why = "";
            return Kind.Model;
        }
        if (segments.Length == 5 && ExperimentPattern().IsMatch(segments[0]) && segments[1] == "models" && LoggedModelPattern().IsMatch(segments[2])
            && segments[3] == "artifacts")
        {
            key = new MlflowArtifactKey { ExperimentId = segments[0], LoggedModelId = segments[2] };
            why = "";
            return Kind.Model;
        }
        why = "an MLmodel outside MLflow's artifact layout";
        return Kind.Other;
    }

    /// <summary>MLflow's run ids: <c>uuid4().hex</c>.</summary>
    public static bool IsRunId(string? value) => value is not null && RunPattern().IsMatch(value);

    [GeneratedRegex("%(2[fFeE5]|5[cC])", RegexOptions.CultureInvariant)]
    private static partial Regex EncodedSeparator();

    [GeneratedRegex("^[0-9]{1,19}$", RegexOptions.CultureInvariant)]
    private static partial Regex ExperimentPattern();

    [GeneratedRegex("^[0-9a-f]{32}$", RegexOptions.CultureInvariant)]
    private static partial Regex RunPattern();

    [GeneratedRegex("^m-[0-9a-f]{32}$", RegexOptions.CultureInvariant)]
    private static partial Regex LoggedModelPattern();
}
