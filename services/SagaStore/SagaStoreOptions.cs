using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Mlops.SagaStore;

/// <summary>Settings of the saga store, read from the <c>SagaStore</c> configuration section.</summary>
public sealed class SagaStoreOptions
{
    public const string SectionName = "SagaStore";
    public const string SqliteFileName = "sagas.db";

    /// <summary><c>SagaStore:Provider</c>: Sqlite (default) or Postgres.</summary>
    public SagaStoreProvider Provider { get; set; } = SagaStoreProvider.Sqlite;

    /// <summary><c>SagaStore:ConnectionString</c>: required for Postgres; for Sqlite it overrides the data directory.</summary>
    public string? ConnectionString { get; set; }

    /// <summary><c>SagaStore:DataDirectory</c>: where Sqlite keeps <c>sagas.db</c>.</summary>
    public string DataDirectory { get; set; } = "data";

    /// <summary>
    /// <c>SagaStore:KeepFinishedFor</c>: age after which finished instances and their history are purged (default 30 days);
    /// null keeps them. Until then a duplicate trigger lands on the finished instance and starts nothing.
    /// </summary>
    public TimeSpan? KeepFinishedFor { get; set; } = TimeSpan.FromDays(30);

    /// <summary><c>SagaStore:InboxKeepFor</c>: how long consumed message ids (and outbox API records) are kept to recognise redeliveries.</summary>
    public TimeSpan InboxKeepFor { get; set; } = TimeSpan.FromDays(7);

    /// <summary><c>SagaStore:OutboxKeepDeliveredFor</c>: how long delivered outbox rows stay for inspection before they are cleaned.</summary>
    public TimeSpan OutboxKeepDeliveredFor { get; set; } = TimeSpan.FromDays(1);

    /// <summary>
    /// <c>SagaStore:OutboxLease</c>: how long the process that committed (or claimed) outbox messages has to deliver them
    /// before any dispatcher may take them over; also the wait before messages left by a crash are delivered.
    /// </summary>
    public TimeSpan OutboxLease { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary><c>SagaStore:OutboxDispatchInterval</c>: how often the dispatcher looks for messages nobody delivered.</summary>
    public TimeSpan OutboxDispatchInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary><c>SagaStore:OutboxBatchSize</c>: outbox transactions claimed per dispatch round.</summary>
    public int OutboxBatchSize { get; set; } = 100;

    /// <summary>
    /// <c>SagaStore:Testing:CrashAt</c>: test equipment only. <c>after-commit</c> kills the process right after a transaction
    /// with outbox messages commits; <c>during-delivery</c> right after its first message is confirmed by the broker.
    /// </summary>
    public SagaStoreCrashPoint? CrashAt { get; set; }

    /// <summary><c>SagaStore:SweepInterval</c>: how often passed deadlines are looked for.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary><c>SagaStore:SweepBatchSize</c>: deadlines claimed per saga type and sweep.</summary>
    public int SweepBatchSize { get; set; } = 100;

    /// <summary><c>SagaStore:PurgeInterval</c>: how often finished instances past <see cref="KeepFinishedFor"/> are purged.</summary>
    public TimeSpan PurgeInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The Sqlite connection string: the configured one, or the file in <see cref="DataDirectory"/>.</summary>
    public string SqliteConnectionString =>
        ConnectionString ?? $"Data Source={Path.Combine(DataDirectory, SqliteFileName)}";

    /// <summary>Reads the options from a configuration section; malformed values raise one error listing every key at fault.</summary>
    public static SagaStoreOptions FromConfiguration(IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(section);
        var prefix = section is IConfigurationSection s ? s.Path + ":" : "";
        var errors = new List<string>();
        var options = new SagaStoreOptions();

        if (section[nameof(Provider)] is { Length: > 0 } provider)
        {
            if (Enum.TryParse<SagaStoreProvider>(provider, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed))
                options.Provider = parsed;
            else
                errors.Add($"{prefix}{nameof(Provider)} is '{provider}'; expected Sqlite or Postgres.");
        }
        if (section[nameof(ConnectionString)] is { Length: > 0 } connectionString)
            options.ConnectionString = connectionString;
        if (section[nameof(DataDirectory)] is { Length: > 0 } dataDirectory)
            options.DataDirectory = dataDirectory;
        if (section[nameof(KeepFinishedFor)] is { } keep && keep.Trim().Length == 0)
            options.KeepFinishedFor = null;
        else
            options.KeepFinishedFor = ReadTimeSpan(section, prefix, nameof(KeepFinishedFor), errors) ?? options.KeepFinishedFor;
        options.InboxKeepFor = ReadTimeSpan(section, prefix, nameof(InboxKeepFor), errors) ?? options.InboxKeepFor;
        options.OutboxKeepDeliveredFor = ReadTimeSpan(section, prefix, nameof(OutboxKeepDeliveredFor), errors) ?? options.OutboxKeepDeliveredFor;
        options.OutboxLease = ReadTimeSpan(section, prefix, nameof(OutboxLease), errors) ?? options.OutboxLease;
        options.OutboxDispatchInterval = ReadTimeSpan(section, prefix, nameof(OutboxDispatchInterval), errors) ?? options.OutboxDispatchInterval;
        options.SweepInterval = ReadTimeSpan(section, prefix, nameof(SweepInterval), errors) ?? options.SweepInterval;
        options.PurgeInterval = ReadTimeSpan(section, prefix, nameof(PurgeInterval), errors) ?? options.PurgeInterval;
        options.SweepBatchSize = ReadInt(section, prefix, nameof(SweepBatchSize), errors) ?? options.SweepBatchSize;
        options.OutboxBatchSize = ReadInt(section, prefix, nameof(OutboxBatchSize), errors) ?? options.OutboxBatchSize;
        // Read only when set: a production configuration never carries it.
        if (section["Testing:CrashAt"] is { Length: > 0 } crash)
        {
            options.CrashAt = crash.Trim().ToLowerInvariant() switch
            {
                "after-commit" => SagaStoreCrashPoint.AfterCommit,
                "during-delivery" => SagaStoreCrashPoint.DuringDelivery,
                _ => null,
            };
            if (options.CrashAt is null)
                errors.Add($"{prefix}Testing:CrashAt is '{crash}'; expected after-commit or during-delivery.");
        }

        errors.AddRange(options.Validate().Select(e => prefix + e));
        if (errors.Count > 0)
            throw new InvalidOperationException("The saga store configuration is invalid:" + string.Concat(errors.Select(e => "\n - " + e)));
        return options;
    }

    /// <summary>Problems with these settings, each naming its key; empty when they are usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (!Enum.IsDefined(Provider))
            errors.Add($"{nameof(Provider)} must be Sqlite or Postgres.");
        if (Provider == SagaStoreProvider.Postgres && string.IsNullOrWhiteSpace(ConnectionString))
            errors.Add($"{nameof(ConnectionString)} is required when {nameof(Provider)} is Postgres.");
        if (Provider == SagaStoreProvider.Sqlite && string.IsNullOrWhiteSpace(ConnectionString) && string.IsNullOrWhiteSpace(DataDirectory))
            errors.Add($"{nameof(DataDirectory)} or {nameof(ConnectionString)} is required when {nameof(Provider)} is Sqlite.");
        if (KeepFinishedFor < TimeSpan.Zero)
            errors.Add($"{nameof(KeepFinishedFor)} must not be negative.");
        if (SweepInterval <= TimeSpan.Zero)
            errors.Add($"{nameof(SweepInterval)} must be positive.");
        if (PurgeInterval <= TimeSpan.Zero)
            errors.Add($"{nameof(PurgeInterval)} must be positive.");
        if (SweepBatchSize is < 1 or > 10_000)
            errors.Add($"{nameof(SweepBatchSize)} must be between 1 and 10000.");
        if (OutboxBatchSize is < 1 or > 10_000)
            errors.Add($"{nameof(OutboxBatchSize)} must be between 1 and 10000.");
        if (InboxKeepFor <= TimeSpan.Zero)
            errors.Add($"{nameof(InboxKeepFor)} must be positive.");
        if (OutboxKeepDeliveredFor < TimeSpan.Zero)
            errors.Add($"{nameof(OutboxKeepDeliveredFor)} must not be negative.");
        if (OutboxLease <= TimeSpan.Zero)
            errors.Add($"{nameof(OutboxLease)} must be positive.");
        if (OutboxDispatchInterval <= TimeSpan.Zero)
            errors.Add($"{nameof(OutboxDispatchInterval)} must be positive.");
        if (CrashAt is { } crash && !Enum.IsDefined(crash))
            errors.Add("Testing:CrashAt must be after-commit or during-delivery.");
        return errors;
    }

    private static int? ReadInt(IConfiguration section, string prefix, string key, List<string> errors)
    {
        if (section[key] is not { Length: > 0 } text)
            return null;
        if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
            return value;
        errors.Add($"{prefix}{key} is '{text}'; expected a whole number.");
        return null;
    }

    private static TimeSpan? ReadTimeSpan(IConfiguration section, string prefix, string key, List<string> errors)
    {
        if (section[key] is not { Length: > 0 } text)
            return null;
        if (TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var value))
            return value;
        errors.Add($"{prefix}{key} is '{text}'; expected a time span such as 00:00:05 or 7.00:00:00.");
        return null;
    }
}
