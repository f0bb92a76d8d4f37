namespace Mlops.Sandbox.Mlflow;

/// <summary>A webhook delivery that failed for good; the message is the Python repr MLflow's test endpoint reports.</summary>
public sealed class WebhookDeliveryException : Exception
{
    public WebhookDeliveryException(string message)
        : base(message)
    {
    }

    public WebhookDeliveryException()
    {
    }

    public WebhookDeliveryException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
