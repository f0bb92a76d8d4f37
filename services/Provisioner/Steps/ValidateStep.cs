using Microsoft.Extensions.Logging;
using Mlops.Provisioner.Stacks;

namespace Mlops.Provisioner.Steps;

/// <summary>Checks the stack's description against its rules before anything outside is called.</summary>
public sealed class ValidateStep(ILogger<ValidateStep> logger) : IStackStep
{
    public const string Name = "validate";

    public Task RunAsync(StackStepRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var problems = StackRules.Check(run.Stack);
        if (problems.Count == 0)
            return Task.CompletedTask;
        logger.LogWarning("Stack {StackName} is refused before any outside call: {Problems}", run.Stack.StackName, string.Join("; ", problems));
        var shown = problems.Count <= 3 ? string.Join("; ", problems) : $"{string.Join("; ", problems.Take(3))}; and {problems.Count - 3} more";
        throw StackStepRun.Fail($"the stack is not valid: {shown}");
    }
}
