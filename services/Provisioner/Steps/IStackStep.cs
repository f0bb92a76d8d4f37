namespace Mlops.Provisioner.Steps;

/// <summary>One step of provisioning a stack: idempotent, it makes (or in a verify-only run checks) its part of the stack.</summary>
public interface IStackStep
{
    Task RunAsync(StackStepRun run);
}
