namespace Mlops.Sandbox.Kubernetes.Controllers;

/// <summary>Acts out what a Job's pods would have done, when the job controller finishes the Job, and may decide its outcome.</summary>
/// <remarks>
/// Called once per Job, after its run time, before its final status is written; every registered hook is called in
/// order. A hook that does not recognise the Job returns null. The first Failed verdict (or an exception) fails the Job;
/// otherwise the last Complete verdict completes it, even when <see cref="JobCompletion.Planned"/> was a failure.
/// </remarks>
public interface IJobCompletionHook
{
    Task<JobVerdict?> OnJobFinishingAsync(JobCompletion job, CancellationToken cancellationToken);
}
