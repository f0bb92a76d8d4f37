using System.Text.Json.Nodes;
using Mlops.Testing.Chart;

namespace Mlops.Chart.Tests;

/// <summary>values.yaml and each ci scenario pass values.schema.json; values a user should not install are refused with the reason.</summary>
public sealed class When_values_are_checked_against_the_schema
{
    public static TheoryData<string> Scenarios() => new(ChartValues.Scenarios());

    [Fact]
    public void Should_accept_the_default_values() =>
        Assert.Empty(ChartSchema.Errors(ChartValues.Load().Root));

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void Should_accept_each_scenario_merged_over_the_defaults(string scenario) =>
        Assert.Empty(ChartSchema.Errors(ChartValues.Load(scenario).Root));

    [Fact]
    public void Should_have_more_than_one_scenario_to_check() =>
        Assert.Contains("ci/sqlite-values.yaml", ChartValues.Scenarios());

    [Fact]
    public void Should_refuse_an_unknown_key()
    {
        var values = ChartValues.Load();
        values.Root["modelPromoter"]!["replica"] = 2;
        AssertRefused(values, "/modelPromoter/replica", "additionalProperties");
    }

    [Fact]
    public void Should_refuse_an_unknown_key_at_the_top()
    {
        var values = ChartValues.Load();
        values.Root["trainingcoordinator"] = new JsonObject { ["replicas"] = 1 };
        AssertRefused(values, "/trainingcoordinator", "additionalProperties");
    }

    [Fact]
    public void Should_refuse_a_wrong_type()
    {
        var values = ChartValues.Load();
        values.Root["provisioner"]!["replicas"] = "one";
        AssertRefused(values, "/provisioner/replicas", "type");
    }

    [Fact]
    public void Should_refuse_a_store_type_it_does_not_know()
    {
        var values = ChartValues.Load();
        values.Root["store"]!["type"] = "mysql";
        AssertRefused(values, "/store/type", "enum");
    }

    [Fact]
    public void Should_refuse_two_replicas_on_sqlite()
    {
        var values = ChartValues.Load("ci/sqlite-values.yaml");
        values.Root["trainingCoordinator"]!["replicas"] = 2;
        AssertRefused(values, "/trainingCoordinator/replicas", "maximum");
    }

    [Fact]
    public void Should_accept_two_replicas_on_postgres()
    {
        var values = ChartValues.Load("ci/postgres-values.yaml");
        Assert.Equal(2, values.Int("trainingCoordinator.replicas"));
        Assert.Empty(ChartSchema.Errors(values.Root));
    }

    [Fact]
    public void Should_refuse_postgres_without_the_secret_of_its_connection_strings()
    {
        var values = ChartValues.Load();
        values.Root["store"]!["type"] = "postgres";
        AssertRefused(values, "/store/postgres/existingSecret", "minLength");
    }

    [Fact]
    public void Should_refuse_a_literal_password()
    {
        var values = ChartValues.Load();
        values.Root["rabbitmq"]!["password"] = "hunter2-hunter2";
        AssertRefused(values, "/rabbitmq/password", "additionalProperties");
    }

    [Fact]
    public void Should_refuse_a_connection_string_where_a_secret_name_is_expected()
    {
        var values = ChartValues.Load();
        values.Root["rabbitmq"]!["existingSecret"] = "amqp://mlops:S3cret!@rabbitmq:5672/";
        AssertRefused(values, "/rabbitmq/existingSecret", "pattern");
    }

    [Fact]
    public void Should_refuse_a_bad_secret_name()
    {
        var values = ChartValues.Load();
        values.Root["modelPromoter"]!["minio"]!["existingSecret"] = "MinIO_Reader";
        AssertRefused(values, "/modelPromoter/minio/existingSecret", "pattern");
    }

    [Theory]
    [InlineData("Minio__SecretKey")]
    [InlineData("Mlflow__Password")]
    [InlineData("SagaStore__ConnectionString")]
    [InlineData("Ops__Tokens__alice")]
    [InlineData("RABBITMQ_URL")]
    public void Should_refuse_a_secret_setting_in_env(string name)
    {
        var values = ChartValues.Load();
        values.Root["provisioner"]!["env"] = new JsonObject { [name] = "not-for-a-configmap" };
        AssertRefused(values, $"/provisioner/env/{name}", "propertyNames");
    }

    [Fact]
    public void Should_accept_a_plain_setting_in_env()
    {
        var values = ChartValues.Load();
        values.Root["trainingCoordinator"]!["env"] = new JsonObject { ["Training__DefaultTimeout"] = "12:00:00", ["ModelPromoter__Webhook__SecretFile"] = "/x" };
        Assert.Empty(ChartSchema.Errors(values.Root));
    }

    [Fact]
    public void Should_refuse_the_webhook_ingress_without_tls()
    {
        var values = ChartValues.Load();
        values.Root["webhook"]!["ingress"]!["enabled"] = true;
        values.Root["webhook"]!["ingress"]!["host"] = "mlops.example.org";
        AssertRefused(values, "/webhook/ingress/tls/secretName", "minLength");
    }

    [Fact]
    public void Should_refuse_the_dashboard_without_an_ops_token_secret()
    {
        var values = ChartValues.Load();
        values.Root["dashboard"]!["enabled"] = true;
        values.Root["ops"]!["existingSecret"] = "";
        AssertRefused(values, "/ops/existingSecret", "minLength");
    }

    private static void AssertRefused(ChartValues values, string location, string keyword)
    {
        var errors = ChartSchema.Errors(values.Root);
        Assert.True(errors.Any(e => e.StartsWith(location, StringComparison.Ordinal) && e.Contains($": {keyword}:", StringComparison.Ordinal)),
            $"expected a '{keyword}' refusal at '{location}', got:\n{string.Join("\n", errors)}");
    }
}
