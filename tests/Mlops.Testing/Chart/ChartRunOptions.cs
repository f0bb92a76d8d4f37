namespace Mlops.Testing.Chart;

/// <summary>How a <see cref="ChartRun"/> differs from its values file: a Role changed, settings added to the services or the sandbox.</summary>
public sealed record ChartRunOptions
{
    /// <summary>Changes a service's Role before it is applied, e.g. a rule taken away.</summary>
    public Func<ChartRole, ChartRole>? EditRole { get; init; }

    /// <summary>Settings every service process gets on top of the run's own (the last word).</summary>
    public IReadOnlyDictionary<string, string?> ServiceSettings { get; init; } = new Dictionary<string, string?>();

    /// <summary>The broker the run's vhost lives on: the shared one when null, or a node of the test's own (to stop and start).</summary>
    public RabbitMqNode? Broker { get; init; }

    /// <summary>Settings the sandbox gets on top of the run's own.</summary>
    public IReadOnlyDictionary<string, string?> SandboxSettings { get; init; } = new Dictionary<string, string?>();
}
