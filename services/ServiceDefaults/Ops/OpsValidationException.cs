namespace Mlops.ServiceDefaults.Ops;

/// <summary>Bad input to an ops command: answered 400 as problem+json with the field and the message.</summary>
public sealed class OpsValidationException : Exception
{
    public OpsValidationException(string field, string message)
        : this(new Dictionary<string, string[]> { [field] = [message] })
    {
    }

    public OpsValidationException(IDictionary<string, string[]> errors)
        : base(string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(", ", e.Value)}"))) =>
        Errors = errors;

    public OpsValidationException()
        : this("request", "The request is not valid.")
    {
    }

    public OpsValidationException(string message)
        : this("request", message)
    {
    }

    public OpsValidationException(string message, Exception innerException)
        : base(message, innerException) =>
        Errors = new Dictionary<string, string[]> { ["request"] = [message] };

    /// <summary>Field name → messages.</summary>
    public IDictionary<string, string[]> Errors { get; }
}
