using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Mlops.ModelPromoter.Triggers.Webhooks;

/// <summary>
/// Checks an MLflow 3 delivery: <c>X-MLflow-Signature: v1,&lt;base64 HMAC-SHA256(secret, "{delivery_id}.{timestamp}.{body}")&gt;</c>
/// over the raw request bytes (never a re-serialised body), compared in constant time, with the timestamp within the
/// tolerance either way. Missing or malformed headers are 400; a signature that does not match, a wrong or missing
/// secret, and a stale or future timestamp are 401.
/// </summary>
public static class MlflowWebhookSignature
{
    public const string DeliveryIdHeader = "X-MLflow-Delivery-Id";
    public const string TimestampHeader = "X-MLflow-Timestamp";
    public const string SignatureHeader = "X-MLflow-Signature";

    private const string Scheme = "v1,";

    public static MlflowWebhookCheck Check(string? deliveryId, string? timestamp, string? signature, ReadOnlySpan<byte> body, string? secret,
        DateTimeOffset now, TimeSpan tolerance)
    {
        if (string.IsNullOrEmpty(deliveryId) || !Guid.TryParse(deliveryId, out var id))
            return MlflowWebhookCheck.Refused(400, $"{DeliveryIdHeader} is missing or not a UUID");
        if (string.IsNullOrEmpty(timestamp) || timestamp.Length > 12 || !timestamp.All(char.IsAsciiDigit)
            || !long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
            return MlflowWebhookCheck.Refused(400, $"{TimestampHeader} is missing or not Unix seconds");
        if (string.IsNullOrEmpty(signature) || !signature.StartsWith(Scheme, StringComparison.Ordinal))
            return MlflowWebhookCheck.Refused(400, $"{SignatureHeader} is missing or not of the form v1,<base64>");
        var given = new byte[32];
        var encoded = signature[Scheme.Length..];
        // Decoding forgives white space and the two bits the last digit carries beyond the 32 bytes: only MLflow's own
        // spelling is taken, so a signature cannot be respelled into a second one that verifies.
        if (!Convert.TryFromBase64String(encoded, given, out var length) || length != given.Length
            || !string.Equals(Convert.ToBase64String(given), encoded, StringComparison.Ordinal))
            return MlflowWebhookCheck.Refused(400, $"{SignatureHeader} does not hold a base64 HMAC-SHA256");
        if (string.IsNullOrEmpty(secret))
            return MlflowWebhookCheck.Refused(401, "no webhook signing secret is configured, so no delivery can be verified");

        var expected = Compute(secret, deliveryId, timestamp, body);
        if (!CryptographicOperations.FixedTimeEquals(expected, given))
            return MlflowWebhookCheck.Refused(401, "the signature does not match the body");
        // Checked after the signature: only a delivery signed with our secret learns that its time is off.
        var at = DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(seconds, 0, 253402300799));
        if ((now - at).Duration() > tolerance)
            return MlflowWebhookCheck.Refused(401, $"the timestamp {at:O} is more than {tolerance.TotalMinutes:0.#} min from now");
        return new MlflowWebhookCheck(200, "verified", id, at);
    }

    /// <summary>HMAC-SHA256(secret, "{delivery_id}.{timestamp}." + body), the body as received.</summary>
    public static byte[] Compute(string secret, string deliveryId, string timestamp, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(secret);
        var prefix = Encoding.UTF8.GetBytes($"{deliveryId}.{timestamp}.");
        var content = new byte[prefix.Length + body.Length];
        prefix.CopyTo(content, 0);
        body.CopyTo(content.AsSpan(prefix.Length));
        return HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), content);
    }
}
