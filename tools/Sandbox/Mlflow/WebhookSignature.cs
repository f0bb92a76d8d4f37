using System.Security.Cryptography;
using System.Text;

namespace Mlops.Sandbox.Mlflow;

/// <summary>MLflow's webhook signature: <c>v1,</c> + base64 HMAC-SHA256(secret, "{delivery_id}.{timestamp}.{raw body}").</summary>
public static class WebhookSignature
{
    public const string DeliveryIdHeader = "X-MLflow-Delivery-Id";
    public const string TimestampHeader = "X-MLflow-Timestamp";
    public const string SignatureHeader = "X-MLflow-Signature";

    public static string Sign(string secret, string deliveryId, string timestamp, string body)
    {
        var content = Encoding.UTF8.GetBytes($"{deliveryId}.{timestamp}.{body}");
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), content);
        return "v1," + Convert.ToBase64String(mac);
    }

    /// <summary>Compares in constant time, so a receiver's check leaks nothing about the expected value.</summary>
    public static bool Verify(string secret, string deliveryId, string timestamp, string body, string signature)
    {
        var expected = Encoding.UTF8.GetBytes(Sign(secret, deliveryId, timestamp, body));
        return CryptographicOperations.FixedTimeEquals(expected, Encoding.UTF8.GetBytes(signature));
    }
}
