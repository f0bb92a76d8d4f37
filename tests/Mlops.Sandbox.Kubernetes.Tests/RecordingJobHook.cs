using System.Collections.Concurrent;
using Mlops.Sandbox.Kubernetes.Controllers;

namespace Mlops.Sandbox.Kubernetes.Tests;

/// <summary>A job completion hook that remembers what it was shown and fails Jobs whose env asks it to.</summary>
public sealed class RecordingJobHook : IJobCompletionHook
{
    public ConcurrentQueue<JobCompletion> Seen { get; } = new();

    public Task<JobVerdict?> OnJobFinishingAsync(JobCompletion job, CancellationToken cancellationToken)
    {
        Seen.Enqueue(job);
        return Task.FromResult(job.Env.TryGetValue("HOOK_VERDICT", out var verdict) && verdict == "fail"
            ? JobVerdict.Failed("the hook failed it")
            : null);
    }
}
