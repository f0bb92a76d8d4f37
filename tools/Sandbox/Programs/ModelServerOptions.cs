namespace Mlops.Sandbox.Programs;

/// <summary>Settings of the model server program, read from <c>Sandbox:ModelServer</c>.</summary>
public sealed class ModelServerOptions
{
    /// <summary>How long loading the model takes once its artifacts are found; nothing listens until then.</summary>
    public TimeSpan LoadTime { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>How long building the model's environment takes with <c>--env-manager virtualenv</c> or <c>conda</c> (the default is virtualenv).</summary>
    public TimeSpan EnvironmentBuildTime { get; set; } = TimeSpan.FromSeconds(60);

    public static ModelServerOptions From(IConfiguration section)
    {
        var options = new ModelServerOptions();
        section.Bind(options);
        if (options.LoadTime < TimeSpan.Zero || options.EnvironmentBuildTime < TimeSpan.Zero)
            throw new InvalidOperationException("Sandbox:ModelServer:LoadTime and EnvironmentBuildTime must not be negative.");
        return options;
    }
}
