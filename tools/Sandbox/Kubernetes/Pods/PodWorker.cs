using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Mlops.Sandbox.Kubernetes.Controllers;

namespace Mlops.Sandbox.Kubernetes.Pods;

/// <summary>
/// The kubelet's work on one pod: pulls, mounts, environment, starts and restarts (with the kubelet's back-offs), probes,
/// job completion hooks on a Job's main container, and the pod status a kubelet reports (phase, conditions, container
/// statuses). Only the kubelet's sync loop calls <see cref="SyncAsync"/>; readers use <see cref="Containers"/>.
/// </summary>
internal sealed class PodWorker
{
    private const string Component = "kubelet";

    private readonly KubeletServices _kubelet;
    private readonly List<ContainerRuntime> _init = [];
    private readonly List<ContainerRuntime> _main = [];
    private readonly Action _wake;
    private volatile IReadOnlyList<ContainerView> _view = [];
    private bool _stopped;
    private string? _terminalReason;
    private string? _terminalMessage;

    public PodWorker(JsonObject pod, ObjectKey key, KubeletServices kubelet, Action wake)
    {
        Key = key;
        _kubelet = kubelet;
        _wake = wake;
        Uid = pod.Uid();
        PodIp = kubelet.AllocatePodIp();
        AcceptedAt = DateTimeOffset.UtcNow;
        foreach (var spec in (pod["spec"]?["initContainers"] as JsonArray ?? []).OfType<JsonObject>())
            _init.Add(new ContainerRuntime(spec.DeepClone().AsObject(), isInit: true));
        foreach (var spec in (pod["spec"]?["containers"] as JsonArray ?? []).OfType<JsonObject>())
            _main.Add(new ContainerRuntime(spec.DeepClone().AsObject(), isInit: false));
        if (_init.Count > 0)
        {
            foreach (var container in _main)
                container.WaitingReason = "PodInitializing";
        }
    }

    public string Uid { get; }

    /// <summary>Namespace and name of the pod.</summary>
    public ObjectKey Key { get; }

    public string PodIp { get; }

    public DateTimeOffset AcceptedAt { get; }

    /// <summary>True once the pod has reached Succeeded or Failed: nothing runs any more.</summary>
    public bool Terminal { get; private set; }

    /// <summary>The containers as last synced, for readers on other threads.</summary>
    public IReadOnlyList<ContainerView> Containers => _view;

    /// <summary>The verdict the job completion hooks gave this pod's main container, when they failed it.</summary>
    public JobVerdict? FailedVerdict { get; private set; }

    private IEnumerable<ContainerRuntime> All => _init.Concat(_main);

    /// <summary>Acts on the pod as it is stored now; returns when it wants to be looked at again (null: on the next change).</summary>
    public async Task<DateTimeOffset?> SyncAsync(JsonObject pod)
    {
        var now = DateTimeOffset.UtcNow;
        RefreshSpecs(pod);
        if (!Terminal)
        {
            if (pod["spec"].Number("activeDeadlineSeconds") is { } deadline && now >= AcceptedAt + _kubelet.Options.Scaled(deadline))
            {
                foreach (var container in All.Where(c => c.Running is not null))
                    await EndAsync(pod, container, 137, "Error", null, restartable: false);
                (_terminalReason, _terminalMessage) = ("DeadlineExceeded", "Pod was active on the node longer than the specified deadline");
                Terminal = true;
            }
            else
                await AdvanceAsync(pod, now);
        }
        var status = Status(pod, now);
        if (status["phase"]?.ToString() is "Succeeded" or "Failed" && !Terminal)
        {
            Terminal = true;
            // A finished pod's sidecars stop with it.
            foreach (var sidecar in _init.Where(c => c.IsSidecar && c.Running is not null))
                await EndAsync(pod, sidecar, 0, "Completed", null, restartable: false);
            status = Status(pod, now);
        }
        _kubelet.Registry.Mutate(ResourceCatalog.Pods, pod.Namespace(), pod.Name(), statusOnly: true, p => p["status"] = status);
        Publish();
        if (Terminal)
            return null;
        var waits = All.Where(c => (c.IsWaiting || c.RestartPending) && c.NotBefore > now).Select(c => c.NotBefore).ToList();
        return waits.Count == 0 ? null : waits.Min();
    }

    /// <summary>Kills every running container (the pod is being deleted) and reports them terminated.</summary>
    public async Task StopAsync(JsonObject pod)
    {
        foreach (var container in All.Where(c => c.Running is not null))
        {
            _kubelet.Events.Normal(pod, "Killing", $"Stopping container {container.Name}", Component);
            // A process asked to stop ends cleanly.
            await EndAsync(pod, container, 0, "Completed", null, restartable: false);
        }
        _stopped = true;
        Terminal = true;
        Publish();
    }

    /// <summary>Kills what still runs without writing anything (the pod is gone).</summary>
    public async Task DisposeAsync()
    {
        foreach (var container in All.Where(c => c.Running is not null))
        {
            var instance = container.Running!;
            container.Running = null;
            await KillAsync(instance);
        }
        Terminal = true;
        _view = [];
    }

    // The container specs may change in place only by image (a pod's spec is otherwise immutable).
    private void RefreshSpecs(JsonObject pod)
    {
        foreach (var spec in ObjectMeta.Containers(pod["spec"] as JsonObject))
        {
            if (All.FirstOrDefault(c => c.Name == spec.String("name")) is { } container)
                container.Spec = spec.DeepClone().AsObject();
        }
    }

    private async Task AdvanceAsync(JsonObject pod, DateTimeOffset now)
    {
        foreach (var container in All.Where(c => c.Running is not null).ToList())
            await HandleRunAsync(pod, container);

        var initialized = true;
        foreach (var init in _init)
        {
            if (init.InitDone)
                continue;
            initialized = false;
            if (init.Running is not null)
                break;
            if (init.Terminated is not null && !init.RestartPending)
                break;
            await TryStartAsync(pod, init, now);
            if (!init.InitDone)
                break;
            initialized = true;
        }
        if (!initialized && !_init.All(c => c.InitDone))
            return;
        foreach (var container in _main.Where(c => (c.IsWaiting || c.RestartPending) && c.Running is null))
            await TryStartAsync(pod, container, now);
    }

    // A running container that exited, was condemned by a probe, or whose image changed.
    private async Task HandleRunAsync(JsonObject pod, ContainerRuntime container)
    {
        var instance = container.Running!;
        if (instance.ExitCode is { } code)
        {
            if (IsJobMain(pod, container) && !instance.Judging && instance.VerdictExitCode is null)
            {
                instance.Judging = true;
                Judge(pod, instance, code);
                return;
            }
            if (instance.Judging && instance.VerdictExitCode is null)
                return;
            var final = instance.VerdictExitCode ?? code;
            await EndAsync(pod, container, final, final == 0 ? "Completed" : "Error", instance.TerminationMessage, restartable: true);
            return;
        }
        if (instance.KillReason is { } reason)
        {
            _kubelet.Events.Normal(pod, "Killing", reason, Component);
            await EndAsync(pod, container, 137, "Error", null, restartable: true);
            return;
        }
        if (container.SpecImage != instance.Image)
        {
            _kubelet.Events.Normal(pod, "Killing", $"Container {container.Name} definition changed, will be restarted", Component);
            await EndAsync(pod, container, 137, "Error", null, restartable: true, immediately: true);
        }
    }

    private bool IsJobMain(JsonObject pod, ContainerRuntime container) =>
        !container.IsInit && _main.Count > 0 && ReferenceEquals(_main[0], container) && JobOwner(pod) is not null;

    private static JsonObject? JobOwner(JsonObject pod) =>
        (pod["metadata"]?["ownerReferences"] as JsonArray ?? []).OfType<JsonObject>()
            .FirstOrDefault(r => r.String("kind") == "Job" && r["controller"]?.GetValue<bool>() == true);

    // The job completion hooks act out what the Job's process did and decide how it ended; they run off the sync loop.
    private void Judge(JsonObject pod, ContainerInstance instance, int code)
    {
        var owner = JobOwner(pod)!;
        var job = _kubelet.Registry.Find(ResourceCatalog.Jobs, pod.Namespace(), owner.String("name") ?? "");
        if (job is null || job.Uid() != owner.String("uid") || _kubelet.Hooks.Count == 0)
        {
            instance.VerdictExitCode = code;
            _wake();
            return;
        }
        var planned = code == 0 ? JobVerdict.Complete() : JobVerdict.Failed("Job has reached the specified backoff limit");
        _ = Task.Run(async () =>
        {
            JobVerdict verdict;
            try
            {
                JobVerdict? failure = null, success = null;
                foreach (var hook in _kubelet.Hooks.ToList())
                {
                    var decided = await hook.OnJobFinishingAsync(new JobCompletion(job.DeepClone().AsObject(), planned, instance.Launch.Env) { Log = instance.Log }, _kubelet.Stopping);
                    if (decided is { Succeeded: false })
                        failure ??= decided;
                    else if (decided is not null)
                        success = decided;
                }
                verdict = failure ?? success ?? planned;
                if (failure is not null)
                    FailedVerdict = failure;
            }
            catch (Exception failed) when (failed is not OperationCanceledException)
            {
                verdict = JobVerdict.Failed($"job completion hook failed: {failed.Message}");
                FailedVerdict = verdict;
            }
            catch (OperationCanceledException)
            {
                return;
            }
            if (!verdict.Succeeded && !ReferenceEquals(verdict, planned))
                instance.TerminationMessage = verdict.Message;
            instance.VerdictExitCode = verdict.Succeeded ? 0 : code != 0 ? code : 1;
            _wake();
        });
    }

    private async Task EndAsync(JsonObject pod, ContainerRuntime container, int exitCode, string reason, string? message, bool restartable, bool immediately = false)
    {
        var instance = container.Running!;
        container.Running = null;
        await KillAsync(instance);
        var now = DateTimeOffset.UtcNow;
        var ended = new TerminatedState(exitCode, reason, message, instance.StartedAt, now, instance.ContainerId);
        var policy = pod["spec"].String("restartPolicy") ?? "Always";
        // Sidecars always restart; other init containers are run again only when they failed and the pod may restart.
        var restart = restartable && (immediately
            || container.IsSidecar
            || (container.IsInit ? exitCode != 0 && policy != "Never" : policy == "Always" || (policy == "OnFailure" && exitCode != 0)));
        if (!restart)
        {
            container.Terminated = ended;
            PruneLogs(container);
            return;
        }
        // The kubelet's crash back-off: none before the first restart, then 10 s doubling to 5 min; a long run resets it.
        if (now - instance.StartedAt > _kubelet.Options.Backoff(1, 600, 600))
            container.Crashes = 0;
        var delay = immediately ? TimeSpan.Zero : _kubelet.Options.Backoff(container.Crashes, 10, 300);
        if (!immediately)
            container.Crashes++;
        container.LastTerminated = ended;
        container.Terminated = null;
        container.RestartPending = true;
        container.NotBefore = now + delay;
        if (delay > TimeSpan.Zero)
        {
            container.WaitingReason = "CrashLoopBackOff";
            container.WaitingMessage = $"back-off {GoDuration.Format(delay)} restarting failed container={container.Name} pod={pod.Name()}_{pod.Namespace()}({pod.Uid()})";
            _kubelet.Events.Warning(pod, "BackOff", $"Back-off restarting failed container {container.Name} in pod {pod.Name()}_{pod.Namespace()}({pod.Uid()})", Component);
        }
        else
            (container.WaitingReason, container.WaitingMessage) = (null, null);
        PruneLogs(container);
    }

    private static async Task KillAsync(ContainerInstance instance)
    {
        await instance.ProbesStop.CancelAsync();
        try
        {
            await instance.Process.DisposeAsync();
        }
        catch (Exception failed) when (failed is not OutOfMemoryException)
        {
            instance.Log.WriteLine(failed.Message);
        }
        instance.Log.Close();
    }

    private static void PruneLogs(ContainerRuntime container)
    {
        var named = new[] { container.Running?.ContainerId, container.Terminated?.ContainerId, container.LastTerminated?.ContainerId };
        foreach (var id in container.Logs.Keys.Where(k => !named.Contains(k)).ToList())
            container.Logs.Remove(id);
    }

    private async Task TryStartAsync(JsonObject pod, ContainerRuntime container, DateTimeOffset now)
    {
        if (now < container.NotBefore)
            return;
        var image = container.SpecImage;
        if (!container.Pulled)
        {
            var pulledAt = AcceptedAt + _kubelet.Options.PodStartDelay;
            if (container.PullFailures == 0 && now < pulledAt)
            {
                if (container.WaitingReason is null or "ContainerCreating" or "PodInitializing")
                    _kubelet.Events.Normal(pod, "Pulling", $"Pulling image \"{image}\"", Component);
                container.WaitingReason ??= "ContainerCreating";
                container.NotBefore = pulledAt;
                return;
            }
            if (container.WaitingReason == "ErrImagePull" && container.PullFailures > 0)
            {
                // The next sync after a failed pull reports the back-off until the next attempt.
                container.WaitingReason = "ImagePullBackOff";
                container.WaitingMessage = $"Back-off pulling image \"{image}\"";
                _kubelet.Events.Normal(pod, "BackOff", container.WaitingMessage, Component);
                _kubelet.Events.Warning(pod, "Failed", "Error: ImagePullBackOff", Component);
                container.NotBefore = container.PullRetryAt;
                if (now < container.NotBefore)
                    return;
            }
            if (PodRules.IsUnpullable(image))
            {
                container.PullFailures++;
                var error = PodRules.PullError(image);
                container.WaitingReason = "ErrImagePull";
                container.WaitingMessage = error;
                _kubelet.Events.Warning(pod, "Failed", $"Failed to pull image \"{image}\": {error}", Component);
                _kubelet.Events.Warning(pod, "Failed", "Error: ErrImagePull", Component);
                var backoff = _kubelet.Options.Backoff(container.PullFailures, 10, 300);
                container.PullRetryAt = now + backoff;
                // ErrImagePull shows until the kubelet's next look, a moment later.
                container.NotBefore = now + TimeSpan.FromTicks(Math.Min(backoff.Ticks / 2, TimeSpan.FromSeconds(1).Ticks));
                return;
            }
            container.Pulled = true;
            var took = GoDuration.Format(_kubelet.Options.PodStartDelay);
            _kubelet.Events.Normal(pod, "Pulled", $"Successfully pulled image \"{image}\" in {took} ({took} including waiting)", Component);
        }

        if (ContainerEnvironment.MountError(_kubelet.Registry, pod) is { } mountError)
        {
            container.WaitingReason = container.IsInit || _init.Count == 0 ? "ContainerCreating" : "PodInitializing";
            container.WaitingMessage = null;
            _kubelet.Events.Warning(pod, "FailedMount", mountError, Component);
            container.NotBefore = now + _kubelet.Options.Backoff(1, 2, 2);
            return;
        }
        var (config, configError) = ContainerEnvironment.Resolve(_kubelet.Registry, pod, container.Spec);
        if (config is null)
        {
            container.WaitingReason = "CreateContainerConfigError";
            container.WaitingMessage = configError;
            _kubelet.Events.Warning(pod, "Failed", $"Error: {configError}", Component);
            container.NotBefore = now + _kubelet.Options.Backoff(1, 10, 10);
            return;
        }

        if (container.RestartPending || container.Terminated is not null)
            container.RestartCount++;
        var containerId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var log = new ContainerLogBuffer();
        var launchPod = pod.DeepClone().AsObject();
        launchPod.Child("status")["podIP"] = PodIp;
        var launch = new ContainerLaunch
        {
            Namespace = pod.Namespace() ?? "default",
            PodName = pod.Name(),
            ContainerName = container.Name,
            Image = image,
            Command = config.Command,
            Args = config.Args,
            Env = config.Env,
            Pod = launchPod,
            Log = log,
            RestartCount = container.RestartCount,
        };
        IContainerProcess process;
        try
        {
            process = _kubelet.Start(launch, container.IsInit && !container.IsSidecar);
        }
        catch (Exception failed) when (failed is not OutOfMemoryException)
        {
            // What containerd reports when a process cannot be started (a missing executable, say).
            var message = $"failed to create containerd task: failed to create shim task: OCI runtime create failed: {failed.Message}";
            _kubelet.Events.Warning(pod, "Failed", $"Error: {message}", Component);
            var failedRun = new ContainerInstance(new StartFailure(), launch, containerId, log);
            container.Running = failedRun;
            container.Logs[containerId] = log;
            await EndAsync(pod, container, 128, "StartError", message, restartable: true);
            return;
        }
        var instance = new ContainerInstance(process, launch, containerId, log);
        container.Running = instance;
        container.Terminated = null;
        container.RestartPending = false;
        container.WaitingReason = null;
        container.WaitingMessage = null;
        container.Logs[containerId] = log;
        _kubelet.Events.Normal(pod, "Created", $"Created container: {container.Name}", Component);
        _kubelet.Events.Normal(pod, "Started", $"Started container {container.Name}", Component);
        _ = process.Exited.ContinueWith(exited =>
        {
            instance.ExitCode = exited.IsCompletedSuccessfully ? ((exited.Result % 256) + 256) % 256 : 1;
            if (exited.IsFaulted)
                log.WriteLine(exited.Exception!.GetBaseException().Message);
            _wake();
        }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
        _ = new ProbeRunner(instance, container.Spec, PodIp, _kubelet.Options, _wake,
            (kind, failure) => _kubelet.Events.Warning(pod, "Unhealthy", $"{kind} probe failed: {failure}", Component)).RunAsync();
    }

    private void Publish()
    {
        _view = All.Select(c =>
        {
            var ports = (c.Spec["ports"] as JsonArray ?? []).OfType<JsonObject>().ToList();
            var current = c.Running?.ContainerId ?? c.Terminated?.ContainerId ?? c.LastTerminated?.ContainerId;
            return new ContainerView(
                c.Name,
                c.IsInit,
                c.Running is { ExitCode: null } running ? running.Process : null,
                c.Ready,
                ports.Select(p => (int)(p.Number("containerPort") ?? 0)).ToHashSet(),
                ports.Where(p => p.String("name") is { Length: > 0 }).ToDictionary(p => p.String("name")!, p => (int)(p.Number("containerPort") ?? 0)),
                c.Running is null && c.Terminated is null && c.LastTerminated is null ? c.WaitingReason ?? "ContainerCreating" : null,
                current is not null && c.Logs.TryGetValue(current, out var log) ? log : null,
                c.LastTerminated is { } last && c.Logs.TryGetValue(last.ContainerId, out var previous) ? previous : null);
        }).ToList();
    }

    private JsonObject Status(JsonObject pod, DateTimeOffset now)
    {
        var previous = pod["status"] as JsonObject ?? [];
        // A pod the kubelet stopped for its deletion ends in a terminal phase, as kubelets since 1.27 report it.
        var phase = _terminalReason is not null ? "Failed"
            : _stopped ? (_main.All(c => c.Terminated is null or { ExitCode: 0 }) ? "Succeeded" : "Failed")
            : Phase(pod);
        var terminal = phase is "Succeeded" or "Failed";
        var initialized = _init.All(c => c.InitDone || (terminal && c.Terminated is { ExitCode: 0 }));
        var unready = _main.Where(c => !c.Ready).Select(c => c.Name).ToList();
        var incomplete = _init.Where(c => !c.InitDone).Select(c => c.Name).ToList();
        var conditions = new JsonArray
        {
            Condition(previous, "PodReadyToStartContainers", !terminal, null, null, now),
            terminal && initialized
                ? Condition(previous, "Initialized", true, "PodCompleted", null, now)
                : Condition(previous, "Initialized", initialized, initialized ? null : "ContainersNotInitialized", initialized ? null : $"containers with incomplete status: [{string.Join(' ', incomplete)}]", now),
            ReadyCondition(previous, "Ready", terminal, unready, now),
            ReadyCondition(previous, "ContainersReady", terminal, unready, now),
            Condition(previous, "PodScheduled", true, null, null, now),
        };
        var status = new JsonObject
        {
            ["phase"] = phase,
            ["conditions"] = conditions,
            ["hostIP"] = Kubelet.HostIp,
            ["hostIPs"] = new JsonArray(new JsonObject { ["ip"] = Kubelet.HostIp }),
            ["podIP"] = PodIp,
            ["podIPs"] = new JsonArray(new JsonObject { ["ip"] = PodIp }),
            ["startTime"] = ObjectMeta.Timestamp(AcceptedAt),
        };
        if (_terminalReason is not null)
        {
            status["reason"] = _terminalReason;
            status["message"] = _terminalMessage;
        }
        if (_init.Count > 0)
            status["initContainerStatuses"] = new JsonArray(_init.Select(c => (JsonNode)ContainerStatus(c)).ToArray());
        status["containerStatuses"] = new JsonArray(_main.Select(c => (JsonNode)ContainerStatus(c)).ToArray());
        status["qosClass"] = previous["qosClass"]?.DeepClone() ?? "BestEffort";
        return status;
    }

    // The kubelet's getPhase: waiting containers keep a pod Pending; restarting ones count as running.
    private string Phase(JsonObject pod)
    {
        var restartPolicy = pod["spec"].String("restartPolicy") ?? "Always";
        if (_init.Any(c => !c.IsSidecar && c.Terminated is { ExitCode: not 0 } && !c.RestartPending) && restartPolicy == "Never")
            return "Failed";
        if (!_init.All(c => c.InitDone))
            return "Pending";
        int running = 0, waiting = 0, stopped = 0, succeeded = 0;
        foreach (var container in _main)
        {
            if (container.Running is not null)
                running++;
            else if (container.Terminated is { } terminated)
            {
                stopped++;
                if (terminated.ExitCode == 0)
                    succeeded++;
            }
            else if (container.LastTerminated is not null)
                stopped++;
            else
                waiting++;
        }
        if (waiting > 0)
            return "Pending";
        if (running > 0)
            return "Running";
        if (stopped > 0)
        {
            if (restartPolicy == "Always" || _main.Any(c => c.RestartPending))
                return "Running";
            if (stopped == succeeded)
                return "Succeeded";
            return restartPolicy == "Never" ? "Failed" : "Running";
        }
        return "Pending";
    }

    private static JsonObject ReadyCondition(JsonObject previous, string type, bool terminal, List<string> unready, DateTimeOffset now) =>
        terminal
            ? Condition(previous, type, false, "PodCompleted", null, now)
            : Condition(previous, type, unready.Count == 0, unready.Count == 0 ? null : "ContainersNotReady", unready.Count == 0 ? null : $"containers with unready status: [{string.Join(' ', unready)}]", now);

    // lastTransitionTime moves only when the condition's status flips, as the kubelet's status manager keeps it.
    private static JsonObject Condition(JsonObject previous, string type, bool isTrue, string? reason, string? message, DateTimeOffset now)
    {
        var status = isTrue ? "True" : "False";
        var before = (previous["conditions"] as JsonArray ?? []).OfType<JsonObject>().FirstOrDefault(c => c.String("type") == type);
        var since = before is not null && before.String("status") == status ? before["lastTransitionTime"]?.DeepClone() : ObjectMeta.Timestamp(now);
        var condition = new JsonObject
        {
            ["type"] = type,
            ["status"] = status,
            ["lastProbeTime"] = null,
            ["lastTransitionTime"] = since,
        };
        if (reason is not null)
            condition["reason"] = reason;
        if (message is not null)
            condition["message"] = message;
        return condition;
    }

    private static JsonObject ContainerStatus(ContainerRuntime container)
    {
        var state = new JsonObject();
        if (container.Running is { } running)
            state["running"] = new JsonObject { ["startedAt"] = ObjectMeta.Timestamp(running.StartedAt) };
        else if (container.Terminated is { } terminated)
            state["terminated"] = Terminated(terminated);
        else
        {
            var waiting = new JsonObject { ["reason"] = container.WaitingReason ?? "ContainerCreating" };
            if (container.WaitingMessage is not null)
                waiting["message"] = container.WaitingMessage;
            state["waiting"] = waiting;
        }
        var lastState = new JsonObject();
        if (container.LastTerminated is { } last)
            lastState["terminated"] = Terminated(last);
        var status = new JsonObject
        {
            ["name"] = container.Name,
            ["state"] = state,
            ["lastState"] = lastState,
            ["ready"] = container.Ready,
            ["restartCount"] = container.RestartCount,
            ["image"] = PodRules.QualifiedImage(container.SpecImage),
            ["imageID"] = container.Pulled ? PodRules.ImageId(container.SpecImage) : "",
            ["started"] = container.Running is { Started: true },
        };
        var id = container.Running?.ContainerId ?? container.Terminated?.ContainerId;
        if (id is not null)
            status["containerID"] = $"containerd://{id}";
        return status;
    }

    private static JsonObject Terminated(TerminatedState state)
    {
        var terminated = new JsonObject
        {
            ["exitCode"] = state.ExitCode,
            ["reason"] = state.Reason,
            ["startedAt"] = ObjectMeta.Timestamp(state.StartedAt),
            ["finishedAt"] = ObjectMeta.Timestamp(state.FinishedAt),
            ["containerID"] = $"containerd://{state.ContainerId}",
        };
        if (state.Message is not null)
            terminated["message"] = state.Message;
        return terminated;
    }

    // Stands in for a process that never started, so its run can be ended like any other.
    private sealed class StartFailure : IContainerProcess
    {
        public Task<int> Exited { get; } = Task.FromResult(128);

        public Task<ContainerResponse?> HandleAsync(ContainerRequest request, CancellationToken cancellationToken) => Task.FromResult<ContainerResponse?>(null);

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
