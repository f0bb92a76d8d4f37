using k8s.Models;
using Mlops.TrainingCoordinator.Jobs;
using Mlops.TrainingCoordinator.Training;

namespace Mlops.TrainingCoordinator.Tests.Rules;

/// <summary>How a Job's pods explain it: waiting within its bound, stuck past it, with the kubelet's words.</summary>
public sealed class TrainingJobReadingTests
{
    private static readonly TrainingSettings Settings = new() { ImagePullGrace = TimeSpan.FromMinutes(5), ContainerConfigGrace = TimeSpan.FromMinutes(1) };
    private static readonly DateTimeOffset Now = new(2026, 11, 20, 10, 0, 0, TimeSpan.Zero);

    private static V1Pod Waiting(string reason, string message, TimeSpan age) => new()
    {
        Metadata = new V1ObjectMeta { Name = "train-x-1-abcde", NamespaceProperty = "homelab", CreationTimestamp = (Now - age).UtcDateTime },
        Spec = new V1PodSpec { Containers = [new V1Container { Name = "train", Image = "ghcr.io/example/train:1" }] },
        Status = new V1PodStatus
        {
            Phase = "Pending",
            ContainerStatuses = [new V1ContainerStatus { Name = "train", Image = "ghcr.io/example/train:1", State = new V1ContainerState { Waiting = new V1ContainerStateWaiting { Reason = reason, Message = message } } }],
        },
    };

    [Fact]
    public void Should_wait_on_an_image_pull_within_its_bound_and_be_stuck_past_it()
    {
        var early = TrainingJobReading.FromPods("Job", "train-x-1", [Waiting("ImagePullBackOff", "Back-off pulling image", TimeSpan.FromMinutes(1))], Settings, Now);
        Assert.Equal("Pending", early!.Value.Phase);
        var late = TrainingJobReading.FromPods("Job", "train-x-1", [Waiting("ErrImagePull", "not found", TimeSpan.FromMinutes(6))], Settings, Now);
        Assert.Equal("Stuck", late!.Value.Phase);
        Assert.Contains("cannot pull image ghcr.io/example/train:1 (ErrImagePull: not found)", late.Value.Reason);
    }

    [Fact]
    public void Should_be_stuck_on_a_missing_secret_key_after_its_bound_naming_it()
    {
        var outcome = TrainingJobReading.FromPods("Job", "train-x-1",
            [Waiting("CreateContainerConfigError", "couldn't find key AWS_SECRET_ACCESS_KEY in Secret homelab/minio-credentials", TimeSpan.FromMinutes(2))], Settings, Now);
        Assert.Equal("Stuck", outcome!.Value.Phase);
        Assert.Contains("CreateContainerConfigError: couldn't find key AWS_SECRET_ACCESS_KEY in Secret homelab/minio-credentials", outcome.Value.Reason);
    }

    [Fact]
    public void Should_read_a_failed_job_with_its_condition()
    {
        var job = new V1Job
        {
            Metadata = new V1ObjectMeta { Name = "train-x-1" },
            Status = new V1JobStatus { Conditions = [new V1JobCondition { Type = "Failed", Status = "True", Reason = "DeadlineExceeded", Message = "Job was active longer than specified deadline" }] },
        };
        var outcome = TrainingJobReading.Outcome(job);
        Assert.Equal("Failed", outcome!.Value.Phase);
        Assert.Equal("Job train-x-1 failed (DeadlineExceeded): Job was active longer than specified deadline", outcome.Value.Reason);
        Assert.True(TrainingJobReading.IsFinished(job));
    }
}
