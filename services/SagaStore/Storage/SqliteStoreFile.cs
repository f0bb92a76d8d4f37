using System.Threading.Channels;
using Microsoft.Data.Sqlite;

namespace Mlops.SagaStore.Storage;

/// <summary>
/// One SQLite store file as this process holds it: an exclusive OS lock on <c>&lt;file&gt;.lock</c> for as long as any store
/// of the process uses the file (a second process is refused), and the one writer connection. Writes queue here and are
/// committed in groups: every write waiting when a transaction starts goes into it, each under its own savepoint, so one
/// fsync (with <c>synchronous = FULL</c>) makes a whole group durable and a failing write rolls back only itself.
/// </summary>
internal sealed class SqliteStoreFile : IAsyncDisposable
{
    private const int MaxGroup = 128;

    private static readonly Dictionary<string, SqliteStoreFile> Open = new(StringComparer.Ordinal);
    private static readonly Lock OpenLock = new();

    private readonly string _path;
    private readonly FileStream _lockFile;
    private readonly SqliteConnection _writer;
    private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);
    private readonly Channel<WriteJob> _jobs = Channel.CreateUnbounded<WriteJob>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _loop;
    private int _users;

    private SqliteStoreFile(string path, string connectionString)
    {
        _path = path;
        _lockFile = TakeLock(path);
        try
        {
            _writer = new SqliteConnection(connectionString);
            _writer.Open();
            // FULL: a commit is on disk when it returns, so a power cut cannot lose a transition whose messages were sent.
            using var pragma = new SqliteCommand("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;", _writer);
            pragma.ExecuteNonQuery();
        }
        catch
        {
            _writer?.Dispose();
            _lockFile.Dispose();
            throw;
        }
        _loop = Task.Run(RunAsync);
    }

    /// <summary>The file's writer, opened (and locked) on first use in this process; pair with <see cref="ReleaseAsync"/>.</summary>
    public static SqliteStoreFile Acquire(string path, string connectionString)
    {
        lock (OpenLock)
        {
            if (!Open.TryGetValue(path, out var file))
            {
                file = new SqliteStoreFile(path, connectionString);
                Open[path] = file;
            }
            file._users++;
            return file;
        }
    }

    public async ValueTask ReleaseAsync()
    {
        lock (OpenLock)
        {
            if (--_users > 0)
                return;
            Open.Remove(_path);
        }
        _jobs.Writer.TryComplete();
        await _loop;
        foreach (var command in _commands.Values)
            command.Dispose();
        _commands.Clear();
        _writer.Dispose();
        _lockFile.Dispose();
    }

    /// <summary>Gives back this use of the file, as <see cref="ReleaseAsync"/>.</summary>
    public ValueTask DisposeAsync() => ReleaseAsync();

    /// <summary>Runs <paramref name="work"/> in the next group transaction; its result is returned once that transaction committed.</summary>
    public Task<T> WriteAsync<T>(Func<SqliteConnection, SqliteTransaction, T> work, CancellationToken cancellationToken)
    {
        var job = new WriteJob<T>(work, cancellationToken);
        if (!_jobs.Writer.TryWrite(job))
            throw new ObjectDisposedException(nameof(SqliteStoreFile), $"The saga store file {_path} is closed.");
        return job.Task;
    }

    /// <summary>A prepared command on the writer connection, kept per statement so SQLite compiles each statement once.</summary>
    public SqliteCommand Command(string sql, SqliteTransaction transaction)
    {
        if (!_commands.TryGetValue(sql, out var command))
        {
            command = new SqliteCommand(sql, _writer);
            _commands[sql] = command;
        }
        command.Transaction = transaction;
        command.Parameters.Clear();
        return command;
    }

    private static FileStream TakeLock(string path)
    {
        var lockPath = path + ".lock";
        try
        {
            // FileShare.None is an exclusive flock on Unix and a sharing lock on Windows; the OS drops it when the process dies.
            return new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException ex)
        {
            throw new SagaStoreFileInUseException(
                $"The saga store file {path} is in use by another process (it holds {lockPath}). SQLite keeps the sagas of one " +
                "replica; to run several replicas of a service, use PostgreSQL (SagaStore:Provider = Postgres, SagaStore:ConnectionString).", ex);
        }
    }

    private async Task RunAsync()
    {
        var group = new List<WriteJob>(MaxGroup);
        while (await _jobs.Reader.WaitToReadAsync())
        {
            group.Clear();
            while (group.Count < MaxGroup && _jobs.Reader.TryRead(out var job))
            {
                if (!job.IsCanceled)
                    group.Add(job);
            }
            if (group.Count > 0)
                CommitGroup(group);
        }
    }

    private void CommitGroup(List<WriteJob> group)
    {
        var done = new List<WriteJob>(group.Count);
        try
        {
            using var transaction = _writer.BeginTransaction(deferred: false);
            if (group.Count == 1)
            {
                // Alone in its transaction, a failing write rolls the whole transaction back: no savepoint needed.
                group[0].Run(_writer, transaction);
                done.Add(group[0]);
            }
            else
            {
                foreach (var job in group)
                {
                    transaction.Save("w");
                    try
                    {
                        job.Run(_writer, transaction);
                        transaction.Release("w");
                        done.Add(job);
                    }
                    catch (Exception ex)
                    {
                        transaction.Rollback("w");
                        transaction.Release("w");
                        job.Fail(ex);
                    }
                }
            }
            transaction.Commit();
        }
        catch (Exception ex)
        {
            foreach (var job in group.Where(j => !j.IsFinished))
                job.Fail(ex);
            return;
        }
        foreach (var job in done)
            job.Complete();
    }

    private abstract class WriteJob
    {
        public abstract bool IsCanceled { get; }

        public abstract bool IsFinished { get; }

        public abstract void Run(SqliteConnection connection, SqliteTransaction transaction);

        public abstract void Complete();

        public abstract void Fail(Exception exception);
    }

    private sealed class WriteJob<T>(Func<SqliteConnection, SqliteTransaction, T> work, CancellationToken cancellationToken) : WriteJob
    {
        private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private T _result = default!;

        public Task<T> Task => _completion.Task;

        public override bool IsCanceled => cancellationToken.IsCancellationRequested && _completion.TrySetCanceled(cancellationToken);

        public override bool IsFinished => _completion.Task.IsCompleted;

        public override void Run(SqliteConnection connection, SqliteTransaction transaction) => _result = work(connection, transaction);

        // Only after the group committed: until then the write is not durable and must not be reported done.
        public override void Complete() => _completion.TrySetResult(_result);

        public override void Fail(Exception exception) => _completion.TrySetException(exception);
    }
}
