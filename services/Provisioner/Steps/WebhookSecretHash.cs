using System.Security.Cryptography;
using System.Text;

namespace Mlops.Provisioner.Steps;

/// <summary>
/// MLflow never returns a webhook's secret, so the saga keeps a salted, slow hash of the one it registered to tell whether
/// the Secret changed since; the saga's document never holds the secret itself or a fast hash of it.
/// </summary>
public static class WebhookSecretHash
{
    private const int Iterations = 100_000;
    private const string Scheme = "pbkdf2-sha256";

    /// <summary><c>pbkdf2-sha256$iterations$salt$hash</c> of <paramref name="secret"/> with a new salt.</summary>
    public static string Of(string secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        var salt = RandomNumberGenerator.GetBytes(16);
        return Format(Iterations, salt, Derive(secret, salt, Iterations));
    }

    /// <summary>True when <paramref name="hash"/> (from <see cref="Of"/>) was made from <paramref name="secret"/>.</summary>
    public static bool Matches(string? hash, string secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        var parts = hash?.Split('$');
        if (parts is not [Scheme, var count, var salt, var expected] || !int.TryParse(count, out var iterations) || iterations is < 1 or > 10_000_000)
            return false;
        try
        {
            var actual = Derive(secret, Convert.FromBase64String(salt), iterations);
            return CryptographicOperations.FixedTimeEquals(actual, Convert.FromBase64String(expected));
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private static byte[] Derive(string secret, byte[] salt, int iterations) =>
        Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(secret), salt, iterations, HashAlgorithmName.SHA256, 32);

    private static string Format(int iterations, byte[] salt, byte[] hash) =>
        $"{Scheme}${iterations}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}";
}
