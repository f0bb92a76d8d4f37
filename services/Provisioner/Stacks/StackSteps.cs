namespace Mlops.Provisioner.Stacks;

/// <summary>The steps of provisioning a stack, in the order they run; the names a stack file's <c>only</c> and <c>ProvisionStack.Only</c> use.</summary>
public static class StackSteps
{
    public const string Namespaces = "namespaces";
    public const string Secrets = "secrets";
    public const string Components = "components";
    public const string Buckets = "buckets";
    public const string Notifications = "notifications";
    public const string Mlflow = "mlflow";

    public static readonly IReadOnlyList<string> InOrder = [Namespaces, Secrets, Components, Buckets, Notifications, Mlflow];
}
