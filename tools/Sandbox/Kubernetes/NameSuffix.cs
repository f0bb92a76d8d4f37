namespace Mlops.Sandbox.Kubernetes;

/// <summary>The five random characters the API server appends to a <c>generateName</c> (pods of a ReplicaSet or Job).</summary>
public static class NameSuffix
{
    // The alphabet of k8s.io/apimachinery's rand.String: no vowels, no look-alike digits.
    private const string Alphabet = "bcdfghjklmnpqrstvwxz2456789";

    public static string Next() => string.Concat(Enumerable.Range(0, 5).Select(_ => Alphabet[Random.Shared.Next(Alphabet.Length)]));
}
