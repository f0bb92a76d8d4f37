using System.Net.Http.Json;
using Mlops.Sandbox.Faults;
using Mlops.Testing.Chart;

namespace Mlops.Chaos.Tests;

/// <summary>The sandbox's control endpoint (<c>PUT /faults/{standIn}/{group}</c>), as an operator of a test cluster would drive it.</summary>
public sealed class SandboxFaults(ChartRun run) : IDisposable
{
    private readonly HttpClient _control = new() { BaseAddress = run.Sandbox.Host.UrlOf("control") };

    /// <summary>Every API group of <paramref name="standIn"/> answers with <paramref name="rule"/>.</summary>
    public async Task SetAsync(string standIn, FaultRule rule)
    {
        using var answer = await _control.PutAsJsonAsync($"faults/{standIn}/*", rule);
        answer.EnsureSuccessStatusCode();
    }

    /// <summary>Every stand-in answers as itself again (<c>DELETE /faults</c>).</summary>
    public async Task ClearAsync()
    {
        using var answer = await _control.DeleteAsync("faults");
        answer.EnsureSuccessStatusCode();
    }

    public void Dispose() => _control.Dispose();
}
