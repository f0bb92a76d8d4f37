using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Mlops.Flow.Benchmarks;

/// <summary>Applies the benchmark's stack file through the Provisioner's ops API and waits until the stack is ready.</summary>
internal static class StackSetup
{
    public static async Task ApplyAsync(Uri provisioner, string opsToken, string stackFile, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = provisioner, Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", opsToken);
        using var body = new StringContent(await File.ReadAllTextAsync(stackFile, cancellationToken), MediaTypeHeaderValue.Parse("application/yaml"));
        using var applied = await http.PostAsync("ops/stacks", body, cancellationToken);
        var answer = await applied.Content.ReadAsStringAsync(cancellationToken);
        if (!applied.IsSuccessStatusCode)
            throw new InvalidOperationException($"POST /ops/stacks answered {(int)applied.StatusCode}: {answer}");
        var flow = JsonDocument.Parse(answer).RootElement.GetProperty("flowId").GetString();
        var waited = Stopwatch.StartNew();
        while (true)
        {
            using var found = await http.GetAsync($"ops/stacks/{FlowBenchmark.StackName}", cancellationToken);
            if (found.IsSuccessStatusCode)
            {
                var stack = await found.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
                var ours = stack.TryGetProperty("flowId", out var f) && f.GetString() == flow;
                if (ours && stack.TryGetProperty("ready", out var ready) && ready.ValueKind == JsonValueKind.True)
                    return;
                if (ours && stack.TryGetProperty("failed", out var failed) && failed.ValueKind == JsonValueKind.Object)
                    throw new InvalidOperationException($"stack {FlowBenchmark.StackName} failed: {failed}");
            }
            if (waited.Elapsed > TimeSpan.FromSeconds(120))
                throw new TimeoutException($"stack {FlowBenchmark.StackName} was not ready within 120 s");
            await Task.Delay(100, cancellationToken);
        }
    }
}
