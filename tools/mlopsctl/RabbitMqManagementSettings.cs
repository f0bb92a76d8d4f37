namespace Mlops.Ctl;

/// <summary>
/// Where RabbitMQ's management API is and who to be there (<c>errors list | move</c>); the URL without credentials. A class,
/// not a record, so no generated ToString ever prints the password.
/// </summary>
public sealed class RabbitMqManagementSettings(Uri url, string? user, string? password)
{
    public Uri Url { get; } = url;

    public string? User { get; } = user;

    public string? Password { get; } = password;
}
