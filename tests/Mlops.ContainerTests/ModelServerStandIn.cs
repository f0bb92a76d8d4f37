using k8s.Models;

namespace Mlops.ContainerTests;

/// <summary>A Deployment shaped as the ModelPromoter writes its model servers (one container, rolling, a progress deadline), running a small public image.</summary>
public static class ModelServerStandIn
{
    public static V1Deployment Deployment(string name, string ns, string image, int progressDeadlineSeconds = 120, string version = "1")
    {
        var labels = new Dictionary<string, string> { ["app.kubernetes.io/name"] = name, ["app.kubernetes.io/part-of"] = "mlops" };
        return new V1Deployment
        {
            ApiVersion = "apps/v1",
            Kind = "Deployment",
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns, Labels = labels },
            Spec = new V1DeploymentSpec
            {
                Replicas = 1,
                ProgressDeadlineSeconds = progressDeadlineSeconds,
                Selector = new V1LabelSelector { MatchLabels = labels },
                Strategy = new V1DeploymentStrategy { Type = "RollingUpdate", RollingUpdate = new V1RollingUpdateDeployment { MaxSurge = 1, MaxUnavailable = 0 } },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = labels, Annotations = new Dictionary<string, string> { ["mlops.dev/model-version"] = version } },
                    Spec = new V1PodSpec
                    {
                        Containers = [new V1Container { Name = "model-server", Image = image }],
                        TerminationGracePeriodSeconds = 1,
                    },
                },
            },
        };
    }

    public static string Selector(string name) => $"app.kubernetes.io/name={name}";
}
