using System.Diagnostics;

namespace Mlops.Sandbox.Kubernetes.Tests;

/// <summary>Runs the real kubectl against the sandbox with a throwaway kubeconfig and cache, never the user's.</summary>
public sealed class Kubectl : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("sandbox-kubectl-").FullName;
    private readonly string _kubeconfig;

    /// <summary>kubectl as the local admin (no credentials, plain http).</summary>
    public Kubectl(Uri server)
        : this(server, null, null)
    {
    }

    /// <summary>kubectl with a bearer token over https (kubectl sends tokens only over TLS), trusting <paramref name="certificateAuthorityPem"/>.</summary>
    public Kubectl(Uri secureServer, string? token, string? certificateAuthorityPem)
    {
        _kubeconfig = Path.Combine(_directory, "config");
        var authority = certificateAuthorityPem is null ? "" : $"\n    certificate-authority-data: {Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes(certificateAuthorityPem))}";
        var user = token is null ? "{}" : $"{{token: {token}}}";
        File.WriteAllText(_kubeconfig, $"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: sandbox
              cluster:
                server: {secureServer.ToString().TrimEnd('/')}{authority}
            contexts:
            - name: sandbox
              context:
                cluster: sandbox
                user: sandbox
                namespace: default
            current-context: sandbox
            users:
            - name: sandbox
              user: {user}
            """);
    }

    public static string Executable => File.Exists("/usr/bin/kubectl") ? "/usr/bin/kubectl" : "kubectl";

    /// <summary>Writes a manifest to a file kubectl can read with -f.</summary>
    public string WriteManifest(string yaml)
    {
        var path = Path.Combine(_directory, $"manifest-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, yaml);
        return path;
    }

    public async Task<KubectlResult> RunAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo(Executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("--kubeconfig");
        start.ArgumentList.Add(_kubeconfig);
        start.ArgumentList.Add("--cache-dir");
        start.ArgumentList.Add(Path.Combine(_directory, "cache"));
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        start.Environment["HOME"] = _directory;
        start.Environment.Remove("KUBECONFIG");

        using var process = Process.Start(start) ?? throw new InvalidOperationException("kubectl did not start");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var output = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var error = process.StandardError.ReadToEndAsync(CancellationToken.None);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"kubectl {string.Join(' ', arguments)} did not finish in 60 s:\n{await output}\n{await error}");
        }
        return new KubectlResult(process.ExitCode, await output, await error);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
