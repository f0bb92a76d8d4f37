namespace Mlops.Sandbox.Minio;

/// <summary>What the stand-in says about itself in every event record, as a MinIO deployment does.</summary>
public sealed record MinioDeployment(string DeploymentId, string NodeId, string Region);
