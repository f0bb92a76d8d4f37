namespace Mlops.Testing;

/// <summary>Where the real servers started by ./test.sh are, with the defaults that script uses.</summary>
public static class TestEnvironment
{
    public static Uri RabbitMqUrl => new(Read("RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672/"));

    public static Uri RabbitMqManagementUrl => new(Read("RABBITMQ_MANAGEMENT_URL", "http://guest:guest@127.0.0.1:15672"));

    public static string PostgresConnectionString =>
        Read("POSTGRES_URL", "Host=127.0.0.1;Port=5432;Username=mlops;Password=mlops;Database=mlops");

    /// <summary>The repository root, found from the test binaries upwards.</summary>
    public static string RepositoryRoot
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Microservices.sln")))
                dir = dir.Parent;
            return dir?.FullName ?? throw new InvalidOperationException("Microservices.sln not found above " + AppContext.BaseDirectory);
        }
    }

    /// <summary>The sample payloads of the outside systems (<c>tests/fixtures</c>), or <c>MLOPS_FIXTURES_DIR</c>.</summary>
    public static string FixturesDirectory
    {
        get
        {
            var candidates = new[]
            {
                Environment.GetEnvironmentVariable("MLOPS_FIXTURES_DIR"),
                Path.Combine(RepositoryRoot, "tests", "fixtures"),
            };
            return candidates.FirstOrDefault(c => c is not null && Directory.Exists(c))
                ?? throw new DirectoryNotFoundException("No fixtures folder: set MLOPS_FIXTURES_DIR");
        }
    }

    private static string Read(string name, string fallback) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : fallback;
}
