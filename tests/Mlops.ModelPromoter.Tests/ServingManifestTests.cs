using k8s;
using Mlops.Contracts;
using Mlops.ModelPromoter.Policies;
using Mlops.ModelPromoter.Serving;

namespace Mlops.ModelPromoter.Tests;

/// <summary>The model server's Deployment, Service and Ingress as built from a plan.</summary>
public sealed class ServingManifestTests
{
    private static readonly ModelServerPlacement Placement = new() { Namespace = "mlflow", Name = "mlflow-model-cnn-classifier-server", Label = "cnn-classifier" };

    private static ModelServerPlan Plan(ServingExposure? exposure = null, string envManager = "local") => new()
    {
        ModelName = "cnn_classifier",
        Version = "7",
        Namespace = "mlflow",
        Image = ServingOptions.PyTorchImage,
        ImageChosenBy = "flavour pytorch",
        Flavors = ["python_function", "pytorch"],
        EnvManager = envManager,
        Replicas = 1,
        Resources = new ServingResources(),
        Exposure = exposure ?? new ServingExposure(),
        TrackingUri = "http://mlflow.mlflow.svc.cluster.local:5000",
        S3Endpoint = "http://minio.minio.svc.cluster.local:9000",
        Credentials = new StackCredentials { SecretName = "minio-credentials" },
        StartupFailureThreshold = 60,
        ProgressDeadlineSeconds = 900,
        Artifacts = new ArtifactLocation("mlflow", "1/abc/artifacts/model"),
    };

    [Fact]
    public void Should_run_mlflow_models_serve_on_a_pinned_version_with_the_homelabs_resources()
    {
        var deployment = ModelServerManifests.Deployment(Plan(), Placement, Guid.Empty);

        var container = deployment.Spec.Template.Spec.Containers.Single();
        Assert.Equal("mlflow models serve -m models:/cnn_classifier/7 --host 0.0.0.0 --port 5001 --env-manager local",
            string.Join(' ', container.Command.Concat(container.Args)));
        Assert.Equal(("1", "4Gi", "5", "8Gi"), (container.Resources.Requests["cpu"].ToString(), container.Resources.Requests["memory"].ToString(),
            container.Resources.Limits["cpu"].ToString(), container.Resources.Limits["memory"].ToString()));
        Assert.Equal(900, deployment.Spec.ProgressDeadlineSeconds);
        Assert.Equal(("1", "0"), (deployment.Spec.Strategy.RollingUpdate.MaxSurge.Value, deployment.Spec.Strategy.RollingUpdate.MaxUnavailable.Value));
        Assert.Equal(deployment.Spec.Selector.MatchLabels, deployment.Spec.Template.Metadata.Labels);
        Assert.Equal(600, container.StartupProbe.FailureThreshold * container.StartupProbe.PeriodSeconds);
        Assert.All(new[] { container.StartupProbe, container.ReadinessProbe, container.LivenessProbe }, p =>
        {
            Assert.Equal("/health", p.HttpGet.Path);
            Assert.Equal("http", p.HttpGet.Port.Value);
        });
    }

    [Fact]
    public void Should_give_credentials_only_by_secretKeyRef_and_addresses_from_the_stack()
    {
        var env = ModelServerManifests.Deployment(Plan(), Placement, Guid.Empty).Spec.Template.Spec.Containers.Single().Env.ToDictionary(e => e.Name);

        Assert.Equal("http://mlflow.mlflow.svc.cluster.local:5000", env["MLFLOW_TRACKING_URI"].Value);
        Assert.Equal("http://minio.minio.svc.cluster.local:9000", env["MLFLOW_S3_ENDPOINT_URL"].Value);
        Assert.Equal(("minio-credentials", "AWS_ACCESS_KEY_ID"), (env["AWS_ACCESS_KEY_ID"].ValueFrom.SecretKeyRef.Name, env["AWS_ACCESS_KEY_ID"].ValueFrom.SecretKeyRef.Key));
        Assert.Equal("AWS_SECRET_ACCESS_KEY", env["AWS_SECRET_ACCESS_KEY"].ValueFrom.SecretKeyRef.Key);
        Assert.Null(env["AWS_SECRET_ACCESS_KEY"].Value);
    }

    [Fact]
    public void Should_hash_the_template_so_the_same_plan_writes_nothing_new()
    {
        var a = ModelServerManifests.Template(Plan(), Placement);
        var b = ModelServerManifests.Template(Plan(), Placement);
        var other = ModelServerManifests.Template(Plan() with { Version = "8" }, Placement);

        Assert.Equal(ModelServerManifests.TemplateHashOf(a), ModelServerManifests.TemplateHashOf(b));
        Assert.NotEqual(ModelServerManifests.TemplateHashOf(a), ModelServerManifests.TemplateHashOf(other));
        Assert.Equal(KubernetesJson.Serialize(a), KubernetesJson.Serialize(b));
    }

    [Fact]
    public void Should_expose_by_NodePort_or_Ingress_when_the_policy_says_so()
    {
        var nodePort = ModelServerManifests.Service(Plan(new ServingExposure { Kind = "NodePort", NodePort = 30501 }), Placement, Guid.Empty);
        Assert.Equal(("NodePort", 30501), (nodePort.Spec.Type, nodePort.Spec.Ports.Single().NodePort));
        Assert.Null(ModelServerManifests.Ingress(Plan(), Placement, Guid.Empty));

        var ingress = ModelServerManifests.Ingress(Plan(new ServingExposure { Kind = "Ingress", IngressHost = "cnn.homelab.local", IngressClass = "traefik", IngressTlsSecret = "cnn-tls" }), Placement, Guid.Empty)!;
        var rule = ingress.Spec.Rules.Single();
        Assert.Equal(("traefik", "cnn.homelab.local"), (ingress.Spec.IngressClassName, rule.Host));
        Assert.Equal((Placement.Name, "http"), (rule.Http.Paths.Single().Backend.Service.Name, rule.Http.Paths.Single().Backend.Service.Port.Name));
        Assert.Equal("cnn-tls", ingress.Spec.Tls.Single().SecretName);
        Assert.Equal("ClusterIP", ModelServerManifests.Service(Plan(new ServingExposure { Kind = "Ingress", IngressHost = "x" }), Placement, Guid.Empty).Spec.Type);
    }

    [Fact]
    public void Should_carry_the_model_name_saga_and_version_in_annotations()
    {
        var saga = Guid.NewGuid();
        var deployment = ModelServerManifests.Deployment(Plan(), Placement, saga);

        Assert.Equal("cnn_classifier", deployment.Metadata.Annotations[ModelServerLabels.ModelNameAnnotation]);
        Assert.Equal("7", deployment.Metadata.Annotations[ModelServerLabels.ModelVersionAnnotation]);
        Assert.Equal(saga.ToString(), deployment.Metadata.Annotations[ModelServerLabels.ServingSagaAnnotation]);
        Assert.True(ModelServerManifests.IsOwnedBy(deployment.Metadata, "cnn_classifier"));
        Assert.False(ModelServerManifests.IsOwnedBy(deployment.Metadata, "cnn-classifier"));
    }
}
