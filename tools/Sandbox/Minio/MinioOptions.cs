namespace Mlops.Sandbox.Minio;

/// <summary>Settings of the MinIO stand-in, read from <c>Sandbox:s3</c>; the AMQP targets use MinIO's own setting names.</summary>
public sealed class MinioOptions
{
    /// <summary>The access key clients sign with (MINIO_ROOT_USER).</summary>
    public string RootUser { get; set; } = "minioadmin";

    /// <summary>MINIO_ROOT_PASSWORD.</summary>
    public string RootPassword { get; set; } = "minioadmin";

    /// <summary>The region MinIO reports; empty by default, as in the fixture events.</summary>
    public string Region { get; set; } = "";

    /// <summary>Folder holding s3rver's package.json and node_modules; found above the sandbox binaries when empty.</summary>
    public string? S3rverDirectory { get; set; }

    /// <summary>Where s3rver keeps objects; a fresh temporary folder, removed at stop, when empty.</summary>
    public string? DataDirectory { get; set; }

    /// <summary>The <c>node</c> executable.</summary>
    public string Node { get; set; } = "node";

    /// <summary>How long s3rver may take to print its port.</summary>
    public TimeSpan StartTimeout { get; set; } = TimeSpan.FromSeconds(30);

    public static MinioOptions From(IConfiguration section)
    {
        var options = new MinioOptions();
        section.Bind(options);
        return options;
    }
}
