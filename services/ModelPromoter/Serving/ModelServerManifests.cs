using System.Security.Cryptography;
using System.Text;
using k8s;
using k8s.Models;

namespace Mlops.ModelPromoter.Serving;

/// <summary>
/// The Deployment, Service and (for that exposure) Ingress of a model server, built from a plan. The container runs
/// <c>mlflow models serve -m models:/&lt;name&gt;/&lt;version&gt; --host 0.0.0.0 --port 5001 --env-manager local</c>; its S3 keys come
/// only by secretKeyRef; readiness and liveness probe <c>GET /health</c> and a startup probe holds them off while the model loads.
/// </summary>
public static class ModelServerManifests
{
    public const string ContainerName = "model-server";

    public const int Port = 5001;

    public const string PortName = "http";

    /// <summary>Seconds between two probes of one kind; the startup probe's budget is counted in these.</summary>
    public const int ProbePeriodSeconds = 10;

    public static V1Deployment Deployment(ModelServerPlan plan, ModelServerPlacement placement, Guid servingSagaId)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(placement);
        return new V1Deployment
        {
            ApiVersion = "apps/v1",
            Kind = "Deployment",
            Metadata = Metadata(plan, placement, servingSagaId, withVersion: true),
            Spec = new V1DeploymentSpec
            {
                Replicas = plan.Replicas,
                RevisionHistoryLimit = 5,
                ProgressDeadlineSeconds = plan.ProgressDeadlineSeconds,
                Selector = new V1LabelSelector { MatchLabels = Selector(placement) },
                // The old server keeps serving until the new one is ready; a version that never gets ready takes nothing down.
                Strategy = new V1DeploymentStrategy
                {
                    Type = "RollingUpdate",
                    RollingUpdate = new V1RollingUpdateDeployment { MaxSurge = 1, MaxUnavailable = 0 },
                },
                Template = Template(plan, placement),
            },
        };
    }

    /// <summary>The pod template, with the hash of its own content in an annotation.</summary>
    public static V1PodTemplateSpec Template(ModelServerPlan plan, ModelServerPlacement placement)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(placement);
        var template = new V1PodTemplateSpec
        {
            Metadata = new V1ObjectMeta
            {
                Labels = Selector(placement),
                Annotations = new Dictionary<string, string>
                {
                    [ModelServerLabels.ModelNameAnnotation] = plan.ModelName,
                    [ModelServerLabels.ModelVersionAnnotation] = plan.Version,
                },
            },
            Spec = new V1PodSpec
            {
                Containers =
                [
                    new V1Container
                    {
                        Name = ContainerName,
                        Image = plan.Image,
                        Command = ["mlflow", "models", "serve"],
                        Args = ["-m", plan.ModelUri, "--host", "0.0.0.0", "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--env-manager", plan.EnvManager],
                        Ports = [new V1ContainerPort { Name = PortName, ContainerPort = Port, Protocol = "TCP" }],
                        Env =
                        [
                            new V1EnvVar { Name = "MLFLOW_TRACKING_URI", Value = plan.TrackingUri },
                            new V1EnvVar { Name = "MLFLOW_S3_ENDPOINT_URL", Value = plan.S3Endpoint },
                            SecretEnv("AWS_ACCESS_KEY_ID", plan.Credentials.SecretName, plan.Credentials.AccessKeyIdKey),
                            SecretEnv("AWS_SECRET_ACCESS_KEY", plan.Credentials.SecretName, plan.Credentials.SecretAccessKeyKey),
                        ],
                        Resources = new V1ResourceRequirements
                        {
                            Requests = new Dictionary<string, ResourceQuantity>
                            {
                                ["cpu"] = new(plan.Resources.CpuRequest),
                                ["memory"] = new(plan.Resources.MemoryRequest),
                            },
                            Limits = new Dictionary<string, ResourceQuantity>
                            {
                                ["cpu"] = new(plan.Resources.CpuLimit),
                                ["memory"] = new(plan.Resources.MemoryLimit),
                            },
                        },
                        StartupProbe = Probe(plan.StartupFailureThreshold),
                        ReadinessProbe = Probe(3),
                        LivenessProbe = Probe(3),
                    },
                ],
            },
        };
        template.Metadata.Annotations[ModelServerLabels.TemplateHashAnnotation] = HashOf(template);
        return template;
    }

    public static V1Service Service(ModelServerPlan plan, ModelServerPlacement placement, Guid servingSagaId)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(placement);
        var nodePort = plan.Exposure.Kind == "NodePort";
        return new V1Service
        {
            ApiVersion = "v1",
            Kind = "Service",
            Metadata = Metadata(plan, placement, servingSagaId, withVersion: false),
            Spec = new V1ServiceSpec
            {
                Type = nodePort ? "NodePort" : "ClusterIP",
                Selector = Selector(placement),
                Ports =
                [
                    new V1ServicePort
                    {
                        Name = PortName,
                        Port = Port,
                        TargetPort = PortName,
                        Protocol = "TCP",
                        NodePort = nodePort ? plan.Exposure.NodePort : null,
                    },
                ],
            },
        };
    }

    /// <summary>The Ingress for <c>Exposure.Kind = Ingress</c> (the homelab exposed its server through Traefik); null otherwise.</summary>
    public static V1Ingress? Ingress(ModelServerPlan plan, ModelServerPlacement placement, Guid servingSagaId)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(placement);
        if (plan.Exposure.Kind != "Ingress")
            return null;
        var host = plan.Exposure.IngressHost!;
        return new V1Ingress
        {
            ApiVersion = "networking.k8s.io/v1",
            Kind = "Ingress",
            Metadata = Metadata(plan, placement, servingSagaId, withVersion: false),
            Spec = new V1IngressSpec
            {
                IngressClassName = plan.Exposure.IngressClass,
                Rules =
                [
                    new V1IngressRule
                    {
                        Host = host,
                        Http = new V1HTTPIngressRuleValue
                        {
                            Paths =
                            [
                                new V1HTTPIngressPath
                                {
                                    Path = "/",
                                    PathType = "Prefix",
                                    Backend = new V1IngressBackend
                                    {
                                        Service = new V1IngressServiceBackend { Name = placement.Name, Port = new V1ServiceBackendPort { Name = PortName } },
                                    },
                                },
                            ],
                        },
                    },
                ],
                Tls = plan.Exposure.IngressTlsSecret is { Length: > 0 } tls ? [new V1IngressTLS { Hosts = [host], SecretName = tls }] : null,
            },
        };
    }

    /// <summary>The template hash annotation of a pod template, or null.</summary>
    public static string? TemplateHashOf(V1PodTemplateSpec? template) =>
        template?.Metadata?.Annotations is { } annotations && annotations.TryGetValue(ModelServerLabels.TemplateHashAnnotation, out var hash) ? hash : null;

    /// <summary>Whether the object carries our model-name annotation with exactly this model's name.</summary>
    public static bool IsOwnedBy(V1ObjectMeta? metadata, string modelName) =>
        metadata?.Annotations is { } annotations
        && annotations.TryGetValue(ModelServerLabels.ModelNameAnnotation, out var owner)
        && string.Equals(owner, modelName, StringComparison.Ordinal);

    /// <summary>Who an object says it serves, for the reason a name is taken.</summary>
    public static string OwnerOf(V1ObjectMeta? metadata) =>
        metadata?.Annotations is { } annotations && annotations.TryGetValue(ModelServerLabels.ModelNameAnnotation, out var owner)
            ? $"model '{owner}'"
            : "an object the promoter did not create";

    private static Dictionary<string, string> Selector(ModelServerPlacement placement) => new()
    {
        [ModelServerLabels.App] = ModelServerLabels.AppValue,
        [ModelServerLabels.Model] = placement.Label,
    };

    private static V1ObjectMeta Metadata(ModelServerPlan plan, ModelServerPlacement placement, Guid servingSagaId, bool withVersion)
    {
        var annotations = new Dictionary<string, string>
        {
            [ModelServerLabels.ModelNameAnnotation] = plan.ModelName,
            [ModelServerLabels.ServingSagaAnnotation] = servingSagaId.ToString(),
        };
        if (withVersion)
            annotations[ModelServerLabels.ModelVersionAnnotation] = plan.Version;
        return new V1ObjectMeta
        {
            Name = placement.Name,
            NamespaceProperty = placement.Namespace,
            Labels = new Dictionary<string, string>
            {
                [ModelServerLabels.App] = ModelServerLabels.AppValue,
                [ModelServerLabels.Model] = placement.Label,
                [ModelServerLabels.ManagedBy] = ModelServerLabels.ManagedByValue,
            },
            Annotations = annotations,
        };
    }

    private static V1EnvVar SecretEnv(string name, string secret, string key) => new()
    {
        Name = name,
        ValueFrom = new V1EnvVarSource { SecretKeyRef = new V1SecretKeySelector { Name = secret, Key = key } },
    };

    private static V1Probe Probe(int failureThreshold) => new()
    {
        HttpGet = new V1HTTPGetAction { Path = "/health", Port = PortName },
        PeriodSeconds = ProbePeriodSeconds,
        TimeoutSeconds = 5,
        FailureThreshold = failureThreshold,
    };

    private static string HashOf(V1PodTemplateSpec template) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(KubernetesJson.Serialize(template))))[..16];
}
