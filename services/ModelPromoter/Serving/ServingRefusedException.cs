namespace Mlops.ModelPromoter.Serving;

/// <summary>
/// A version that cannot be served as asked, whatever is retried: a name Kubernetes cannot hold, an artifact location that
/// is not S3, an <c>MLmodel</c> without the <c>python_function</c> flavour, a smoke check answered with an error. The
/// message is the reason people read.
/// </summary>
public sealed class ServingRefusedException : Exception
{
    public ServingRefusedException()
    {
    }

    public ServingRefusedException(string message)
        : base(message)
    {
    }

    public ServingRefusedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
