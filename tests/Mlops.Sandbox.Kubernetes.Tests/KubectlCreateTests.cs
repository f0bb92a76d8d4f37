using k8s;
using Mlops.Testing;
using Xunit;

namespace Mlops.Sandbox.Kubernetes.Tests;

/// <summary>kubectl's typed create commands (which send protobuf) work for every kind the sandbox serves.</summary>
public sealed class KubectlCreateTests(KubernetesSandbox sandbox) : IClassFixture<KubernetesSandbox>
{
    private IKubernetes Client => sandbox.Client;

    [Fact]
    public async Task Should_create_a_deployment_with_replicas_port_and_command()
    {
        var ns = await sandbox.NewNamespaceAsync();

        // A generic server: kubectl create deployment cannot give a model server the environment it needs to load a model.
        var created = (await sandbox.Kubectl.RunAsync("create", "deployment", "serve", "-n", ns, "--image=ghcr.io/example/echo-server:1.0", "--replicas=2", "--port=5001", "--", "echo-server", "--listen", ":5001")).Succeeded();
        var rollout = (await sandbox.Kubectl.RunAsync("rollout", "status", "deployment/serve", "-n", ns, "--timeout=30s")).Succeeded();
        var zero = (await sandbox.Kubectl.RunAsync("create", "deployment", "idle", "-n", ns, "--image=nginx:1.25", "--replicas=0")).Succeeded();

        Assert.Contains("deployment.apps/serve created", created.Output);
        Assert.Contains("successfully rolled out", rollout.Output);
        var deployment = await Client.AppsV1.ReadNamespacedDeploymentAsync("serve", ns);
        Assert.Equal(2, deployment.Spec.Replicas);
        Assert.Equal("serve", deployment.Spec.Selector.MatchLabels["app"]);
        var container = deployment.Spec.Template.Spec.Containers.Single();
        Assert.Equal(("echo-server", "ghcr.io/example/echo-server:1.0", 5001), (container.Name, container.Image, container.Ports.Single().ContainerPort));
        Assert.Equal(["echo-server", "--listen", ":5001"], container.Command);
        Assert.Contains("deployment.apps/idle created", zero.Output);
        Assert.Equal(0, (await Client.AppsV1.ReadNamespacedDeploymentAsync("idle", ns)).Spec.Replicas);
    }

    [Fact]
    public async Task Should_create_a_job_that_runs_to_completion()
    {
        var ns = await sandbox.NewNamespaceAsync();

        var created = (await sandbox.Kubectl.RunAsync("create", "job", "train", "-n", ns, "--image=ghcr.io/example/cnn-eval:1.0", "--", "python", "evaluate.py", "--epochs", "5")).Succeeded();

        Assert.Contains("job.batch/train created", created.Output);
        var job = await Eventually.ReturnsAsync(async () => await Client.BatchV1.ReadNamespacedJobAsync("train", ns) is { Status.Succeeded: 1 } j ? j : null, "the job completes");
        var container = job.Spec.Template.Spec.Containers.Single();
        Assert.Equal(["python", "evaluate.py", "--epochs", "5"], container.Command);
        Assert.Equal("Never", job.Spec.Template.Spec.RestartPolicy);
    }

    [Fact]
    public async Task Should_create_a_service_account_role_and_role_binding()
    {
        var ns = await sandbox.NewNamespaceAsync();

        (await sandbox.Kubectl.RunAsync("create", "serviceaccount", "promoter", "-n", ns)).Succeeded();
        (await sandbox.Kubectl.RunAsync("create", "role", "deployer", "-n", ns, "--verb=get,list,watch,create,patch", "--resource=deployments.apps,services,pods/log", "--resource-name=serve")).Succeeded();
        (await sandbox.Kubectl.RunAsync("create", "rolebinding", "promoter-deploys", "-n", ns, "--role=deployer", $"--serviceaccount={ns}:promoter", "--user=alice", "--group=ops")).Succeeded();
        var table = (await sandbox.Kubectl.RunAsync("get", "rolebindings", "-n", ns, "-o", "wide")).Succeeded();

        Assert.NotNull(await Client.CoreV1.ReadNamespacedServiceAccountAsync("promoter", ns));
        var role = await Client.RbacAuthorizationV1.ReadNamespacedRoleAsync("deployer", ns);
        Assert.Equal(["get", "list", "watch", "create", "patch"], role.Rules[0].Verbs);
        Assert.Equal(
            ["/pods/log", "/services", "apps/deployments"],
            role.Rules.SelectMany(r => r.Resources.Select(res => $"{r.ApiGroups.Single()}/{res}")).Order(StringComparer.Ordinal));
        Assert.All(role.Rules, r => Assert.Equal(["serve"], r.ResourceNames));
        var binding = await Client.RbacAuthorizationV1.ReadNamespacedRoleBindingAsync("promoter-deploys", ns);
        Assert.Equal(("Role", "deployer"), (binding.RoleRef.Kind, binding.RoleRef.Name));
        Assert.Equal(["Group ops", "ServiceAccount promoter", "User alice"], binding.Subjects.Select(s => $"{s.Kind} {s.Name}").Order(StringComparer.Ordinal));
        Assert.Equal(ns, binding.Subjects.Single(s => s.Kind == "ServiceAccount").NamespaceProperty);
        Assert.Matches($@"(?m)^promoter-deploys\s+Role/deployer\s+\S+\s+alice\s+ops\s+{ns}/promoter", table.Output);
    }

    [Fact]
    public async Task Should_create_a_cluster_role_and_cluster_role_binding()
    {
        var ns = await sandbox.NewNamespaceAsync();
        var name = $"ns-creator-{ns}";

        (await sandbox.Kubectl.RunAsync("create", "clusterrole", name, "--verb=create,get", "--resource=namespaces")).Succeeded();
        (await sandbox.Kubectl.RunAsync("create", "clusterrole", $"health-{ns}", "--verb=get", "--non-resource-url=/healthz,/readyz")).Succeeded();
        (await sandbox.Kubectl.RunAsync("create", "serviceaccount", "provisioner", "-n", ns)).Succeeded();
        (await sandbox.Kubectl.RunAsync("create", "clusterrolebinding", name, $"--clusterrole={name}", $"--serviceaccount={ns}:provisioner")).Succeeded();
        var canCreate = await sandbox.Kubectl.RunAsync("auth", "can-i", $"--as=system:serviceaccount:{ns}:provisioner", "create", "namespaces");

        var role = await Client.RbacAuthorizationV1.ReadClusterRoleAsync(name);
        Assert.Contains(role.Rules, r => r.Resources?.SequenceEqual(["namespaces"]) == true);
        Assert.Equal(["/healthz", "/readyz"], (await Client.RbacAuthorizationV1.ReadClusterRoleAsync($"health-{ns}")).Rules.Single().NonResourceURLs);
        Assert.Equal(name, (await Client.RbacAuthorizationV1.ReadClusterRoleBindingAsync(name)).RoleRef.Name);
        Assert.Equal("yes", canCreate.Output.Trim());
    }

    [Fact]
    public async Task Should_create_services_of_each_type_and_a_pod_with_kubectl_run()
    {
        var ns = await sandbox.NewNamespaceAsync();

        (await sandbox.Kubectl.RunAsync("create", "service", "clusterip", "mlflow", "-n", ns, "--tcp=5000:5000")).Succeeded();
        (await sandbox.Kubectl.RunAsync("create", "service", "nodeport", "minio", "-n", ns, "--tcp=9000:api", "--node-port=30140")).Succeeded();
        (await sandbox.Kubectl.RunAsync("run", "probe", "-n", ns, "--image=curlimages/curl:8.8.0", "--restart=Never", "--labels=app=probe", "--", "curl", "http://mlflow:5000/health")).Succeeded();

        var mlflow = await Client.CoreV1.ReadNamespacedServiceAsync("mlflow", ns);
        var minio = await Client.CoreV1.ReadNamespacedServiceAsync("minio", ns);
        Assert.Equal(("ClusterIP", 5000, "5000"), (mlflow.Spec.Type, mlflow.Spec.Ports.Single().Port, mlflow.Spec.Ports.Single().TargetPort.Value));
        Assert.Equal("mlflow", mlflow.Spec.Selector["app"]);
        Assert.Equal(("NodePort", 30140, "api"), (minio.Spec.Type, minio.Spec.Ports.Single().NodePort ?? 0, minio.Spec.Ports.Single().TargetPort.Value));
        var pod = await Eventually.ReturnsAsync(async () => await Client.CoreV1.ReadNamespacedPodAsync("probe", ns) is { Status.Phase: "Succeeded" } p ? p : null, "the pod runs to completion");
        Assert.Equal(["curl", "http://mlflow:5000/health"], pod.Spec.Containers.Single().Args);
        Assert.Equal("probe", pod.Metadata.Labels["app"]);
    }
}
