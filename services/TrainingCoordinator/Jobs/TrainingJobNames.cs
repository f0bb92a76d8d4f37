using System.Globalization;
using System.Text;

namespace Mlops.TrainingCoordinator.Jobs;

/// <summary>
/// Names of training Jobs: <c>train-&lt;model&gt;-&lt;run id prefix&gt;-&lt;attempt&gt;</c>, DNS-safe, at most 63 characters (a
/// Job's name becomes its pods' <c>job-name</c> label), unique per run and attempt.
/// </summary>
public static class TrainingJobNames
{
    public const int MaxLength = 63;

    private const int RunIdChars = 12;

    /// <summary>The Job (or Workflow) name of <paramref name="attempt"/> of the run <paramref name="runId"/>.</summary>
    public static string For(string modelName, string runId, int attempt)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelName);
        ArgumentException.ThrowIfNullOrEmpty(runId);
        ArgumentOutOfRangeException.ThrowIfLessThan(attempt, 1);
        var run = Slug(runId, RunIdChars);
        if (run.Length == 0)
            run = "run";
        var tail = $"-{run}-{attempt.ToString(CultureInfo.InvariantCulture)}";
        var model = Slug(modelName, MaxLength - "train-".Length - tail.Length);
        return model.Length == 0 ? $"train{tail}" : $"train-{model}{tail}";
    }

    /// <summary>A label value made from a name: lowercase letters, digits and single '-', at most <paramref name="max"/> characters.</summary>
    public static string Slug(string name, int max = MaxLength)
    {
        ArgumentNullException.ThrowIfNull(name);
        var builder = new StringBuilder(Math.Min(name.Length, max));
        foreach (var c in name.ToLowerInvariant())
        {
            if (builder.Length >= max)
                break;
            if (char.IsAsciiLetterOrDigit(c))
                builder.Append(c);
            else if (builder.Length > 0 && builder[^1] != '-')
                builder.Append('-');
        }
        return builder.ToString().Trim('-');
    }
}
