using System.Collections.Concurrent;
using Mlops.Sandbox.Kubernetes.Pods;

namespace Mlops.Sandbox.Storage.Tests;

/// <summary>A container log kept in memory, as <c>kubectl logs</c> would show it.</summary>
public sealed class CapturedLog : IContainerLog
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyList<string> Lines => _lines.ToArray();

    public string Text => string.Join('\n', Lines);

    public string LastLine => Lines.Count > 0 ? Lines[^1] : "";

    public void WriteLine(string line) => _lines.Enqueue(line);
}
