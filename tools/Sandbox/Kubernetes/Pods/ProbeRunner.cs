using System.Globalization;
using System.Text.Json.Nodes;

namespace Mlops.Sandbox.Kubernetes.Pods;

/// <summary>
/// The kubelet's probe workers for one container run: the startup probe first (liveness and readiness wait for it),
/// then liveness and readiness side by side, each after <c>initialDelaySeconds</c> from the start, every
/// <c>periodSeconds</c>, with <c>timeoutSeconds</c>, <c>successThreshold</c> and <c>failureThreshold</c>; seconds are
/// scaled by <see cref="KubernetesOptions.EffectiveProbeTimeScale"/>. httpGet passes on 200–399; tcpSocket (and grpc)
/// when something answers on the port; exec when the process says 0 (or cannot run commands).
/// </summary>
internal sealed class ProbeRunner(ContainerInstance instance, JsonObject container, string podIp, KubernetesOptions options, Action changed, Action<string, string> unhealthy)
{
    // A busy machine must not fail a probe that a real node would pass.
    private static readonly TimeSpan MinimumTimeout = TimeSpan.FromMilliseconds(250);

    public Task RunAsync()
    {
        var token = instance.ProbesStop.Token;
        return Task.Run(async () =>
        {
            try
            {
                await RunProbesAsync(token);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                // The run ended.
            }
        }, CancellationToken.None);
    }

    private async Task RunProbesAsync(CancellationToken token)
    {
        var readiness = container["readinessProbe"] as JsonObject;
        if (container["startupProbe"] is JsonObject startup)
        {
            if (!await UntilStartedAsync(startup, token))
                return;
        }
        instance.Started = true;
        if (readiness is null)
            instance.Ready = true;
        changed();
        var workers = new List<Task>();
        if (container["livenessProbe"] is JsonObject liveness)
            workers.Add(LivenessAsync(liveness, token));
        if (readiness is not null)
            workers.Add(ReadinessAsync(readiness, token));
        await Task.WhenAll(workers);
    }

    private async Task<bool> UntilStartedAsync(JsonObject probe, CancellationToken token)
    {
        var failures = 0;
        await foreach (var passed in ResultsAsync(probe, "Startup", token))
        {
            if (passed)
                return true;
            if (++failures >= Threshold(probe, "failureThreshold", 3))
            {
                instance.KillReason = $"Container {container.String("name")} failed startup probe, will be restarted";
                changed();
                return false;
            }
        }
        return false;
    }

    private async Task LivenessAsync(JsonObject probe, CancellationToken token)
    {
        var failures = 0;
        await foreach (var passed in ResultsAsync(probe, "Liveness", token))
        {
            failures = passed ? 0 : failures + 1;
            if (failures >= Threshold(probe, "failureThreshold", 3))
            {
                instance.KillReason = $"Container {container.String("name")} failed liveness probe, will be restarted";
                changed();
                return;
            }
        }
    }

    private async Task ReadinessAsync(JsonObject probe, CancellationToken token)
    {
        var (successes, failures) = (0, 0);
        await foreach (var passed in ResultsAsync(probe, "Readiness", token))
        {
            (successes, failures) = passed ? (successes + 1, 0) : (0, failures + 1);
            var ready = instance.Ready;
            if (!ready && successes >= Threshold(probe, "successThreshold", 1))
                ready = true;
            else if (ready && failures >= Threshold(probe, "failureThreshold", 3))
                ready = false;
            if (ready != instance.Ready)
            {
                instance.Ready = ready;
                changed();
            }
        }
    }

    // The first result after initialDelaySeconds from the container's start, then one every periodSeconds.
    private async IAsyncEnumerable<bool> ResultsAsync(JsonObject probe, string kind, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken token)
    {
        var firstAt = instance.StartedAt + Scaled(probe.Number("initialDelaySeconds") ?? 0);
        var wait = firstAt - DateTimeOffset.UtcNow;
        if (wait > TimeSpan.Zero)
            await Task.Delay(wait, token);
        var period = Scaled(Math.Max(1, probe.Number("periodSeconds") ?? 10));
        while (!token.IsCancellationRequested)
        {
            var started = DateTimeOffset.UtcNow;
            var (passed, failure) = await ProbeAsync(probe, token);
            if (!passed)
                unhealthy(kind, failure);
            yield return passed;
            var rest = period - (DateTimeOffset.UtcNow - started);
            if (rest > TimeSpan.Zero)
                await Task.Delay(rest, token);
        }
    }

    private async Task<(bool Passed, string Failure)> ProbeAsync(JsonObject probe, CancellationToken token)
    {
        var timeout = Scaled(Math.Max(1, probe.Number("timeoutSeconds") ?? 1));
        if (timeout < MinimumTimeout)
            timeout = MinimumTimeout;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(token);
        deadline.CancelAfter(timeout);
        try
        {
            if (probe["exec"] is JsonObject exec)
            {
                if (instance.Process is not IContainerExec runner)
                    return (true, "");
                var command = (exec["command"] as JsonArray ?? []).Select(c => c?.ToString() ?? "").ToList();
                var code = await runner.ExecAsync(command, deadline.Token);
                return code == 0 ? (true, "") : (false, $"command {string.Join(' ', command)} exited with {code}");
            }
            if (probe["httpGet"] is JsonObject http)
            {
                var port = Port(http["port"]);
                var path = http.String("path") ?? "/";
                var answer = await instance.Process.HandleAsync(new ContainerRequest(port, "GET", path.StartsWith('/') ? path : "/" + path, null, ReadOnlyMemory<byte>.Empty), deadline.Token);
                if (answer is null)
                    return (false, $"Get \"http://{podIp}:{port}{path}\": dial tcp {podIp}:{port}: connect: connection refused");
                return answer.StatusCode is >= 200 and < 400 ? (true, "") : (false, $"HTTP probe failed with statuscode: {answer.StatusCode}");
            }
            var socketPort = Port((probe["tcpSocket"] ?? probe["grpc"])?["port"]);
            var listening = await instance.Process.HandleAsync(new ContainerRequest(socketPort, "GET", "/", null, ReadOnlyMemory<byte>.Empty), deadline.Token);
            return listening is not null ? (true, "") : (false, $"dial tcp {podIp}:{socketPort}: connect: connection refused");
        }
        catch (OperationCanceledException) when (!token.IsCancellationRequested)
        {
            return (false, "context deadline exceeded (Client.Timeout exceeded while awaiting headers)");
        }
        catch (Exception failed) when (failed is not OperationCanceledException)
        {
            return (false, failed.Message);
        }
    }

    private int Port(JsonNode? port)
    {
        if (port is JsonValue value && value.TryGetValue<string>(out var name) && !int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out _))
            return (int)((container["ports"] as JsonArray ?? []).FirstOrDefault(p => p.String("name") == name).Number("containerPort") ?? 0);
        return int.TryParse(port?.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? number : 0;
    }

    private static int Threshold(JsonObject probe, string key, int fallback) => (int)Math.Max(1, probe.Number(key) ?? fallback);

    private TimeSpan Scaled(long seconds) => TimeSpan.FromSeconds(seconds * options.EffectiveProbeTimeScale);
}
