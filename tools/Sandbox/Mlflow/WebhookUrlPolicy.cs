using System.Net;
using System.Net.Sockets;

namespace Mlops.Sandbox.Mlflow;

/// <summary>
/// Which webhook URLs MLflow (3.10 and later) calls: schemes in <c>MLFLOW_WEBHOOK_ALLOWED_SCHEMES</c> (default
/// <c>https</c>) and, unless <c>MLFLOW_WEBHOOK_ALLOW_PRIVATE_IPS</c> is true, hosts that resolve to public addresses
/// only. Checked when a webhook is created or its URL changed, and again before every delivery. The sandbox looks no
/// name up in DNS (its traffic stays on loopback): <c>localhost</c> is loopback, IP literals are what they are, and any
/// other name does not resolve, unless private addresses are allowed, when no lookup is made, as in MLflow.
/// </summary>
public sealed record WebhookUrlPolicy(IReadOnlyList<string> AllowedSchemes, bool AllowPrivateIps)
{
    public const string AllowedSchemesSetting = "MLFLOW_WEBHOOK_ALLOWED_SCHEMES";
    public const string AllowPrivateIpsSetting = "MLFLOW_WEBHOOK_ALLOW_PRIVATE_IPS";

    public static readonly WebhookUrlPolicy Default = new(["https"], AllowPrivateIps: false);

    /// <summary>The policy of settings named as MLflow's environment variables; <paramref name="setting"/> gives a value or null.</summary>
    public static WebhookUrlPolicy From(Func<string, string?> setting)
    {
        var schemes = setting(AllowedSchemesSetting) is { } text && text.Trim().Length > 0
            ? text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            : ["https"];
        // MLflow's boolean environment variables are true for "true" and "1", in any case.
        var allowPrivate = setting(AllowPrivateIpsSetting)?.Trim().ToLowerInvariant() is "true" or "1";
        return new WebhookUrlPolicy(schemes, allowPrivate);
    }

    /// <summary>Throws MLflow's INVALID_PARAMETER_VALUE error for a URL MLflow would not call.</summary>
    public void Validate(string url)
    {
        if (string.IsNullOrWhiteSpace(url))
            throw MlflowException.InvalidParameter($"Webhook URL cannot be empty or just whitespace: {PythonRepr(url)}");
        var parsed = Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri : null;
        var scheme = parsed?.Scheme.ToLowerInvariant() ?? (url.Contains("://", StringComparison.Ordinal) ? url[..url.IndexOf("://", StringComparison.Ordinal)].ToLowerInvariant() : "");
        if (!AllowedSchemes.Contains(scheme))
            throw MlflowException.InvalidParameter($"Invalid webhook URL scheme: {PythonRepr(scheme)}. Allowed schemes are: {string.Join(", ", AllowedSchemes)}.");
        var host = parsed?.IdnHost.Trim('[', ']').ToLowerInvariant() ?? "";
        if (host.Length == 0)
            throw MlflowException.InvalidParameter($"Webhook URL must include a hostname: {PythonRepr(url)}");
        if (AllowPrivateIps)
            return;
        foreach (var address in Resolve(host))
        {
            if (!IsGlobal(address))
                throw MlflowException.InvalidParameter($"Webhook URL must not resolve to a non-public IP address. {PythonRepr(host)} resolves to {address}.");
        }
    }

    private static IReadOnlyList<IPAddress> Resolve(string host)
    {
        if (IPAddress.TryParse(host, out var literal))
            return [literal];
        if (host == "localhost" || host.EndsWith(".localhost", StringComparison.Ordinal))
            return [IPAddress.Loopback, IPAddress.IPv6Loopback];
        throw MlflowException.InvalidParameter($"Cannot resolve webhook URL hostname {PythonRepr(host)}: [Errno -2] Name or service not known");
    }

    /// <summary>Python's <c>ipaddress.ip_address(…).is_global</c>: not loopback, private, link-local, shared, reserved, documentation or multicast.</summary>
    public static bool IsGlobal(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
            address = address.MapToIPv4();
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = address.GetAddressBytes();
            return !(b[0] is 0 or 10 or 127 || b[0] >= 224
                || (b[0] == 100 && b[1] is >= 64 and <= 127)
                || (b[0] == 169 && b[1] == 254)
                || (b[0] == 172 && b[1] is >= 16 and <= 31)
                || (b[0] == 192 && b[1] == 0 && b[2] is 0 or 2)
                || (b[0] == 192 && b[1] == 168)
                || (b[0] == 198 && b[1] is 18 or 19)
                || (b[0] == 198 && b[1] == 51 && b[2] == 100)
                || (b[0] == 203 && b[1] == 0 && b[2] == 113));
        }
        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.IPv6None) || address.IsIPv6LinkLocal || address.IsIPv6SiteLocal
            || address.IsIPv6Multicast || address.IsIPv6UniqueLocal)
            return false;
        var bytes = address.GetAddressBytes();
        // 2001:db8::/32 is for documentation.
        return !(bytes[0] == 0x20 && bytes[1] == 0x01 && bytes[2] == 0x0d && bytes[3] == 0xb8);
    }

    // Python's repr() of a string, which MLflow's messages embed.
    private static string PythonRepr(string text) =>
        text.Contains('\'', StringComparison.Ordinal) && !text.Contains('"', StringComparison.Ordinal)
            ? $"\"{text}\""
            : $"'{text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal)}'";
}
