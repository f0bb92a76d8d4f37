using Microsoft.Extensions.Configuration;

namespace Mlops.ModelPromoter.Policies;

/// <summary>
/// The per-model policies from <c>ModelPromoter:Policies</c>: <c>Default</c>, and <c>Models:&lt;MLflow model name&gt;</c>
/// whose keys override the default's one by one (lists and maps as a whole).
/// </summary>
public sealed class ModelPolicies
{
    public const string SectionName = "ModelPromoter:Policies";

    private readonly IConfigurationSection _section;
    private readonly ModelPolicy _default;

    public ModelPolicies(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        _section = configuration.GetSection(SectionName);
        _default = Bind(new ModelPolicy(), _section.GetSection("Default"));
    }

    public ModelPolicy Default => _default;

    /// <summary>The policy of <paramref name="modelName"/>: its own section over the default.</summary>
    public ModelPolicy For(string modelName)
    {
        var own = _section.GetSection("Models").GetChildren().FirstOrDefault(c => string.Equals(c.Key, modelName, StringComparison.Ordinal));
        return own is null ? _default : Bind(_default with { }, own);
    }

    private static ModelPolicy Bind(ModelPolicy start, IConfigurationSection section)
    {
        // Lists and maps replace the default's as a whole: binding would otherwise append to them.
        var policy = start with
        {
            Gates = section.GetSection(nameof(ModelPolicy.Gates)).Exists() ? [] : start.Gates,
            ImagesByFlavor = section.GetSection(nameof(ModelPolicy.ImagesByFlavor)).Exists()
                ? new Dictionary<string, string>() : new Dictionary<string, string>(start.ImagesByFlavor),
            Resources = start.Resources with { },
            Exposure = start.Exposure with { },
        };
        section.Bind(policy, o => o.ErrorOnUnknownConfiguration = true);
        return policy;
    }
}
