namespace Mlops.Sandbox.Minio;

/// <summary>Settings of the MinIO stand-in, read from <c>Sandbox:s3</c>; the AMQP targets use MinIO's own setting names.</summary>
public sealed class MinioOptions
{
    /// <summary>The root access key (MINIO_ROOT_USER) while no in-cluster MinIO backs the stand-in.</summary>
    public string RootUser { get; set; } = "minioadmin";

    /// <summary>MINIO_ROOT_PASSWORD.</summary>
    public string RootPassword { get; set; } = "minioadmin";

    /// <summary>Further access keys and their secrets (<c>Sandbox:s3:Users:&lt;accessKey&gt;</c> = secret), as <c>mc admin user add</c> creates them.</summary>
    public Dictionary<string, string> Users { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Access keys that may only read (<c>Sandbox:s3:ReadOnlyUsers:&lt;accessKey&gt;</c> = secret): MinIO's readonly policy.</summary>
    public Dictionary<string, string> ReadOnlyUsers { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The region MinIO reports and requires in signatures; empty (any region accepted), as in the fixture events.</summary>
    public string Region { get; set; } = "";

    /// <summary>How many times each event is delivered to each target (at least once: 2 or more makes duplicates).</summary>
    public int EventCopies { get; set; } = 1;

    /// <summary>Events queued within this time of the first are sent in shuffled order; zero keeps write order.</summary>
    public TimeSpan EventShuffleWindow { get; set; } = TimeSpan.Zero;

    /// <summary>Folder holding s3rver's package.json and node_modules; found above the sandbox binaries when empty.</summary>
    public string? S3rverDirectory { get; set; }

    /// <summary>Where s3rver keeps objects and the stand-in its bucket notifications; a fresh temporary folder, removed at stop, when empty.</summary>
    public string? DataDirectory { get; set; }

    /// <summary>The <c>node</c> executable.</summary>
    public string Node { get; set; } = "node";

    /// <summary>How long s3rver may take to print its port.</summary>
    public TimeSpan StartTimeout { get; set; } = TimeSpan.FromSeconds(30);

    public EventDelivery Delivery => new(EventCopies, EventShuffleWindow);

    public static MinioOptions From(IConfiguration section)
    {
        var options = new MinioOptions();
        section.Bind(options);
        if (options.EventCopies < 1)
            throw new InvalidOperationException($"Sandbox:s3:EventCopies must be 1 or more, got {options.EventCopies}.");
        if (options.EventShuffleWindow < TimeSpan.Zero)
            throw new InvalidOperationException("Sandbox:s3:EventShuffleWindow must not be negative.");
        return options;
    }
}
