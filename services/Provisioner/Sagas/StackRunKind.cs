namespace Mlops.Provisioner.Sagas;

/// <summary>Why the steps run: a <c>ProvisionStack</c> asked for it, or a ready stack is being checked again.</summary>
public enum StackRunKind
{
    /// <summary>Steps named by <c>Only</c> (all when empty) make the stack so; the rest are verified. Each step announces its event.</summary>
    Provisioning,

    /// <summary>Every step checks and repairs; what it had to put back is reported as drift.</summary>
    Reconciling,
}
