using System.Text;
using System.Threading.Channels;

namespace Mlops.Sandbox.Kubernetes.Pods;

/// <summary>
/// The output of one run of one container, as the kubelet keeps it for <c>kubectl logs</c>: timestamped lines, the
/// oldest dropped past <see cref="MaxBytes"/> (the kubelet rotates at 10 MiB), and live readers for <c>follow</c>.
/// </summary>
public sealed class ContainerLogBuffer : IContainerLog
{
    public const int MaxBytes = 10 * 1024 * 1024;

    private readonly Lock _gate = new();
    private readonly LinkedList<(DateTimeOffset Time, string Text)> _lines = new();
    private readonly List<Channel<(DateTimeOffset Time, string Text)>> _followers = [];
    private long _bytes;
    private bool _closed;

    public void WriteLine(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        // A line written with embedded newlines reads back as several, as a process's stdout would.
        foreach (var part in line.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n'))
            Append(part);
    }

    private void Append(string text)
    {
        lock (_gate)
        {
            if (_closed)
                return;
            var entry = (DateTimeOffset.UtcNow, text);
            _lines.AddLast(entry);
            _bytes += Encoding.UTF8.GetByteCount(text) + 1;
            while (_bytes > MaxBytes && _lines.First is { } oldest)
            {
                _bytes -= Encoding.UTF8.GetByteCount(oldest.Value.Text) + 1;
                _lines.RemoveFirst();
            }
            foreach (var follower in _followers)
                follower.Writer.TryWrite(entry);
        }
    }

    /// <summary>The lines kept so far.</summary>
    public IReadOnlyList<(DateTimeOffset Time, string Text)> Lines
    {
        get
        {
            lock (_gate)
                return _lines.ToList();
        }
    }

    /// <summary>The lines kept so far and a feed of every later one, which ends when the run ends.</summary>
    public (IReadOnlyList<(DateTimeOffset Time, string Text)> Lines, ChannelReader<(DateTimeOffset Time, string Text)> Later, Action Stop) Follow()
    {
        lock (_gate)
        {
            var channel = Channel.CreateUnbounded<(DateTimeOffset, string)>();
            if (_closed)
                channel.Writer.TryComplete();
            else
                _followers.Add(channel);
            return (_lines.ToList(), channel.Reader, () =>
            {
                lock (_gate)
                    _followers.Remove(channel);
                channel.Writer.TryComplete();
            });
        }
    }

    /// <summary>The run ended: nothing more is written, followers reach the end.</summary>
    public void Close()
    {
        lock (_gate)
        {
            _closed = true;
            foreach (var follower in _followers)
                follower.Writer.TryComplete();
            _followers.Clear();
        }
    }
}
