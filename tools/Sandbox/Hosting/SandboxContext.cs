using Mlops.Sandbox.Control;
using Mlops.Sandbox.Faults;
using Mlops.Sandbox.Kubernetes.Controllers;
using Mlops.Sandbox.Kubernetes.Pods;

namespace Mlops.Sandbox.Hosting;

/// <summary>What every stand-in shares: its configuration, the request log, fault injection and the job completion hooks.</summary>
public sealed class SandboxContext
{
    public SandboxContext(IConfiguration configuration)
    {
        Configuration = configuration;
    }

    /// <summary>The <c>Sandbox</c> configuration section; each stand-in reads its own sub-section.</summary>
    public IConfiguration Configuration { get; }

    public RequestLog Requests { get; } = new();

    public FaultInjection Faults { get; } = new();

    /// <summary>Called in order when a Job finishes; register before the host starts.</summary>
    public IList<IJobCompletionHook> JobCompletionHooks { get; } = new List<IJobCompletionHook>();

    /// <summary>What containers do when pods start, asked in order; register before the host starts.</summary>
    public IList<IContainerProgram> ContainerPrograms { get; } = new List<IContainerProgram>();

    /// <summary>The Kubernetes stand-in's Services and their ready pods; set when that stand-in is composed.</summary>
    public IClusterServices? ClusterServices { get; set; }

    /// <summary>The settings of one stand-in, e.g. <c>Sandbox:Kubernetes</c>.</summary>
    public IConfigurationSection SectionOf(string standIn) => Configuration.GetSection(standIn);
}
