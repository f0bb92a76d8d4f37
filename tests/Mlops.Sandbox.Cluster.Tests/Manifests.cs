using Mlops.Testing;

namespace Mlops.Sandbox.Cluster.Tests;

/// <summary>The manifests the product applies (model server, training Job, in-cluster MinIO), as YAML for kubectl.</summary>
public static class Manifests
{
    public const string ModelServerName = "mlflow-model-cnn-classifier-server";

    public const string ModelServerSelector = "app=mlflow-model-server,model=cnn-classifier";

    /// <summary>Readiness on <c>/health</c>, as the original stack probed it.</summary>
    public const string ReadinessProbe = """
                readinessProbe:
                  httpGet: {path: /health, port: http}
        """;

    /// <summary>
    /// <c>mlflow models serve</c> for <paramref name="modelUri"/> as a Deployment and Service in <paramref name="ns"/>: in-cluster
    /// MLflow and MinIO addresses, MinIO keys by secretKeyRef from <see cref="SandboxFixture.S3SecretName"/>, port 5001 named http.
    /// </summary>
    public static string ModelServer(string ns, string modelUri, string image = SandboxFixture.ModelServerImage, string probes = ReadinessProbe, int progressDeadlineSeconds = 600) => $$$"""
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: {{{ModelServerName}}}
          namespace: {{{ns}}}
          labels: {app: mlflow-model-server, model: cnn-classifier}
        spec:
          replicas: 1
          progressDeadlineSeconds: {{{progressDeadlineSeconds}}}
          selector:
            matchLabels: {app: mlflow-model-server, model: cnn-classifier}
          template:
            metadata:
              labels: {app: mlflow-model-server, model: cnn-classifier}
            spec:
              containers:
              - name: server
                image: {{{image}}}
                command: ["mlflow", "models", "serve", "-m", "{{{modelUri}}}", "--host", "0.0.0.0", "--port", "5001", "--env-manager", "local"]
                ports:
                - {name: http, containerPort: 5001}
                env:
                - {name: MLFLOW_TRACKING_URI, value: "{{{SandboxFixture.InClusterMlflowUrl}}}"}
                - {name: MLFLOW_S3_ENDPOINT_URL, value: "{{{SandboxFixture.InClusterS3Url}}}"}
                - name: AWS_ACCESS_KEY_ID
                  valueFrom: {secretKeyRef: {name: {{{SandboxFixture.S3SecretName}}}, key: AWS_ACCESS_KEY_ID}}
                - name: AWS_SECRET_ACCESS_KEY
                  valueFrom: {secretKeyRef: {name: {{{SandboxFixture.S3SecretName}}}, key: AWS_SECRET_ACCESS_KEY}}
        {{{probes}}}
        ---
        apiVersion: v1
        kind: Service
        metadata:
          name: {{{ModelServerName}}}
          namespace: {{{ns}}}
        spec:
          selector: {app: mlflow-model-server, model: cnn-classifier}
          ports:
          - {name: http, port: 5001, targetPort: http}
        """;

    /// <summary>
    /// The original stack's training command as a Job (no retries), pointed at <paramref name="trackingUri"/> and
    /// <paramref name="s3Endpoint"/>, with the MinIO keys by secretKeyRef.
    /// </summary>
    public static string TrainingJob(string ns, string name, string trackingUri, string s3Endpoint = SandboxFixture.InClusterS3Url, string extraArgs = "") => $$$"""
        apiVersion: batch/v1
        kind: Job
        metadata:
          name: {{{name}}}
          namespace: {{{ns}}}
        spec:
          backoffLimit: 0
          template:
            spec:
              restartPolicy: Never
              containers:
              - name: train
                image: ghcr.io/example/cnn-train:1.0
                command: ["sh", "-c", "python train.py --save_dir models --arch vgg16 --epochs 2 {{{extraArgs}}}"]
                env:
                - {name: MLFLOW_TRACKING_URI, value: "{{{trackingUri}}}"}
                - {name: MLFLOW_S3_ENDPOINT_URL, value: "{{{s3Endpoint}}}"}
                - name: AWS_ACCESS_KEY_ID
                  valueFrom: {secretKeyRef: {name: {{{SandboxFixture.S3SecretName}}}, key: AWS_ACCESS_KEY_ID}}
                - name: AWS_SECRET_ACCESS_KEY
                  valueFrom: {secretKeyRef: {name: {{{SandboxFixture.S3SecretName}}}, key: AWS_SECRET_ACCESS_KEY}}
        """;

    /// <summary>
    /// MinIO as a Deployment and Service <c>minio</c> in namespace <c>minio</c> (the stand-in's in-cluster address): root
    /// credentials from Secret <c>minio-root</c>, and, when <paramref name="withTargets"/>, the <c>MINIO_NOTIFY_AMQP_*</c>
    /// settings from Secret <c>minio-amqp</c> (their URL holds the broker's password).
    /// </summary>
    public static string Minio(bool withTargets) => $$$"""
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: minio
          namespace: minio
        spec:
          replicas: 1
          selector:
            matchLabels: {app: minio}
          template:
            metadata:
              labels: {app: minio}
            spec:
              containers:
              - name: minio
                image: quay.io/minio/minio:RELEASE.2025-04-22T22-12-26Z
                args: ["server", "/data", "--console-address", ":9001"]
                ports:
                - {name: api, containerPort: 9000}
                - {name: console, containerPort: 9001}
                env:
                - name: MINIO_ROOT_USER
                  valueFrom: {secretKeyRef: {name: minio-root, key: user}}
                - name: MINIO_ROOT_PASSWORD
                  valueFrom: {secretKeyRef: {name: minio-root, key: password}}
        {{{(withTargets ? "        envFrom:\n        - secretRef: {name: minio-amqp}" : "")}}}
                readinessProbe:
                  httpGet: {path: /minio/health/ready, port: api}
        ---
        apiVersion: v1
        kind: Service
        metadata:
          name: minio
          namespace: minio
        spec:
          selector: {app: minio}
          ports:
          - {name: api, port: 9000, targetPort: api}
          - {name: console, port: 9001, targetPort: console}
        """;
}
