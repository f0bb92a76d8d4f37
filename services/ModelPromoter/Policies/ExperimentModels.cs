using Microsoft.Extensions.Configuration;
using Mlops.Clients.Mlflow;

namespace Mlops.ModelPromoter.Policies;

/// <summary>
/// Which registered model a run of an experiment is registered as, when nobody else registers it (<c>ModelPromoter:Policies:Experiments</c>:
/// the experiment's name or id, then the model name). A run of an experiment not listed is only watched for a version.
/// </summary>
public sealed class ExperimentModels
{
    public const string SectionName = ModelPolicies.SectionName + ":Experiments";

    private readonly Dictionary<string, string> _models;

    public ExperimentModels(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var models = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in configuration.GetSection(SectionName).GetChildren())
        {
            if (string.IsNullOrWhiteSpace(entry.Value))
                throw new InvalidOperationException($"{SectionName}:{entry.Key} must name the registered model its runs are registered as.");
            models[entry.Key] = entry.Value.Trim();
        }
        _models = models;
    }

    public bool Any => _models.Count > 0;

    /// <summary>The model name for runs of experiment <paramref name="experimentId"/>, or null; names are resolved through MLflow.</summary>
    public async Task<string?> ModelForAsync(string experimentId, IMlflowApi mlflow, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mlflow);
        if (_models.TryGetValue(experimentId, out var byId))
            return byId;
        foreach (var (key, model) in _models)
        {
            if (key.All(char.IsAsciiDigit))
                continue;
            var experiment = await mlflow.FindExperimentByNameAsync(key, cancellationToken);
            if (experiment?.ExperimentId == experimentId)
                return model;
        }
        return null;
    }
}
