namespace Mlops.Ops.Tests.Reservations;

/// <summary>How the reservation reaches the pool's scheduler: a secret's name (shown) and the secrets themselves (masked).</summary>
public sealed class SchedulerAccess
{
    public string? SecretName { get; set; }
    public string? AccessKeyId { get; set; }
    public string? ApiToken { get; set; }
    public string? Password { get; set; }
    public List<EnvironmentValue> Env { get; set; } = [];
}
