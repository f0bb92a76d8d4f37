using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;

namespace Mlops.SagaStore.Storage;

/// <summary>
/// One SQLite store file as this process holds it: an exclusive OS lock on <c>&lt;file&gt;.lock</c> for as long as any store
/// of the process uses the file (a second process is refused), and the one writer connection. Writes queue here and are
/// committed in groups: whoever finds the writer free commits every write waiting at that moment in one transaction, each
/// under its own savepoint, so one fsync (with <c>synchronous = FULL</c>) makes a whole group durable and a failing write
/// rolls back only itself. A write with no others waiting runs on its caller's thread, as a plain locked write would.
/// Nobody waits for a lock: a caller that finds a commit under way only waits for its own write's group.
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
    private readonly ConcurrentQueue<WriteJob> _jobs = new();
    // 1 while a caller commits groups; after the file is closed it stays 1, so nobody touches the writer again.
    private int _committing;
    private volatile bool _closed;
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
        _closed = true;
        // The group under way (a few milliseconds) finishes first; writes queued after it fail instead of waiting for a closed writer.
        while (Interlocked.CompareExchange(ref _committing, 1, 0) != 0)
            await Task.Yield();
        FailWaiting();
        foreach (var command in _commands.Values)
            command.Dispose();
        _commands.Clear();
        _writer.Dispose();
        _lockFile.Dispose();
    }

    /// <summary>Gives back this use of the file, as <see cref="ReleaseAsync"/>.</summary>
    public ValueTask DisposeAsync() => ReleaseAsync();

    /// <summary>Runs <paramref name="work"/> in the next group transaction; its result is returned once that transaction committed.</summary>
    public async Task<T> WriteAsync<T>(Func<SqliteConnection, SqliteTransaction, T> work, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ObjectDisposedException.ThrowIf(_closed, this);
        var job = new WriteJob<T>(work);
        // Once queued a write commits or fails with its group: its caller cannot withdraw it half way.
        _jobs.Enqueue(job);
        if (_closed)
            FailWaiting();
        CommitWhileWaiting(forOthers: false);
        return await job.Task;
    }

    // The caller that finds no commit under way commits the waiting writes, its own among them; the others only wait for
    // their job. Writes queued meanwhile are committed on a pool thread that goes on until none waits, so a caller's own
    // message is never held up by the writes of others. Whoever lets go looks at the queue again afterwards, so a write
    // queued at that moment is never left behind.
    private void CommitWhileWaiting(bool forOthers)
    {
        while (!_jobs.IsEmpty && Interlocked.CompareExchange(ref _committing, 1, 0) == 0)
        {
            try
            {
                CommitWaiting();
            }
            finally
            {
                Interlocked.Exchange(ref _committing, 0);
            }
            if (!forOthers)
            {
                if (!_jobs.IsEmpty)
                    ThreadPool.UnsafeQueueUserWorkItem(static file => file.CommitWhileWaiting(forOthers: true), this, preferLocal: false);
                return;
            }
        }
    }

    private void FailWaiting()
    {
        while (_jobs.TryDequeue(out var job))
            job.Fail(new ObjectDisposedException(nameof(SqliteStoreFile)));
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

    private void CommitWaiting()
    {
        var group = new List<WriteJob>();
        while (group.Count < MaxGroup && _jobs.TryDequeue(out var job))
            group.Add(job);
        if (group.Count > 0)
            CommitGroup(group);
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
        public abstract bool IsFinished { get; }

        public abstract void Run(SqliteConnection connection, SqliteTransaction transaction);

        public abstract void Complete();

        public abstract void Fail(Exception exception);
    }

    private sealed class WriteJob<T>(Func<SqliteConnection, SqliteTransaction, T> work) : WriteJob
    {
        private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private T _result = default!;

        public Task<T> Task => _completion.Task;

        public override bool IsFinished => _completion.Task.IsCompleted;

        public override void Run(SqliteConnection connection, SqliteTransaction transaction) => _result = work(connection, transaction);

        // Only after the group committed: until then the write is not durable and must not be reported done.
        public override void Complete() => _completion.TrySetResult(_result);

        public override void Fail(Exception exception) => _completion.TrySetException(exception);
    }
}
