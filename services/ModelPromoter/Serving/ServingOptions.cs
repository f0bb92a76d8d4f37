namespace Mlops.ModelPromoter.Serving;

/// <summary>
/// How model servers are run and watched (section <c>ModelPromoter:Serving</c>); what differs per model is its policy
/// (<c>ModelPromoter:Policies</c>). Checked at start by <see cref="ServingOptionsValidation"/>.
/// </summary>
public sealed class ServingOptions
{
    public const string Section = "ModelPromoter:Serving";

    /// <summary>The model-server image definitions this repository ships (images/), pinned to one MLflow.</summary>
    public const string DefaultImage = "ghcr.io/mlops-control-plane/mlflow-model-server:2.21.3";

    public const string PyTorchImage = "ghcr.io/mlops-control-plane/mlflow-model-server-pytorch:2.21.3";

    /// <summary>
    /// Model-server image per MLmodel flavour, <c>default</c> for the rest; a policy's <c>ImagesByFlavor</c> and <c>Image</c>
    /// come first. Keys given here are added to the built-in <c>default</c> and <c>pytorch</c> ones (or replace them).
    /// </summary>
    public Dictionary<string, string> Images { get; set; } = new(StringComparer.Ordinal);

    /// <summary>How long a model may take to load before its startup probe gives up (<c>--env-manager local</c>).</summary>
    public TimeSpan StartupTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>The same with <c>--env-manager virtualenv</c>, which builds the model's environment first.</summary>
    public TimeSpan VirtualenvStartupTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Added to the startup timeout for the Deployment's <c>progressDeadlineSeconds</c>.</summary>
    public TimeSpan ProgressMargin { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long the saga waits for the rollout watcher's verdict; null: the progress deadline plus 5 minutes.</summary>
    public TimeSpan? RolloutDeadline { get; set; }

    /// <summary>How long the smoke check keeps trying while the Service has no ready endpoint (503 through the proxy).</summary>
    public TimeSpan SmokeCheckDeadline { get; set; } = TimeSpan.FromMinutes(3);

    /// <summary>Largest input example read from S3 for the smoke check.</summary>
    public int MaxInputExampleBytes { get; set; } = 1024 * 1024;

    /// <summary>How often the rollout watcher re-reports what it knows, so a report a saga missed is not lost for good.</summary>
    public TimeSpan WatcherResync { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Namespaces watched from the start besides the Kubernetes client's default and those the sagas serve in.</summary>
    public List<string> WatchNamespaces { get; set; } = [];

    /// <summary>The built-in images with <see cref="Images"/> over them.</summary>
    public IReadOnlyDictionary<string, string> ImagesByFlavor()
    {
        var images = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["default"] = DefaultImage,
            ["pytorch"] = PyTorchImage,
        };
        foreach (var (flavor, image) in Images)
            images[flavor] = image;
        return images;
    }

    /// <summary>The startup probe's budget for an environment manager.</summary>
    public TimeSpan StartupTimeoutFor(string envManager) => envManager == "local" ? StartupTimeout : VirtualenvStartupTimeout;

    /// <summary>What the Deployment's <c>progressDeadlineSeconds</c> is set to for an environment manager.</summary>
    public int ProgressDeadlineSecondsFor(string envManager) => (int)Math.Ceiling((StartupTimeoutFor(envManager) + ProgressMargin).TotalSeconds);

    /// <summary>How long the saga waits for a rollout it started.</summary>
    public TimeSpan RolloutDeadlineFor(int progressDeadlineSeconds) => RolloutDeadline ?? TimeSpan.FromSeconds(progressDeadlineSeconds) + TimeSpan.FromMinutes(5);
}
