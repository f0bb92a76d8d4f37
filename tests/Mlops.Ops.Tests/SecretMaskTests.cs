using Mlops.ServiceDefaults.Ops;
using Microsoft.Extensions.Configuration;

namespace Mlops.Ops.Tests;

/// <summary>The masking rules of docs/operations.md.</summary>
public sealed class SecretMaskTests
{
    [Theory]
    [InlineData("Password", true)]
    [InlineData("password", true)]
    [InlineData("DbPassword", true)]
    [InlineData("ApiToken", true)]
    [InlineData("api_key", true)]
    [InlineData("apiKey", true)]
    [InlineData("SecretKey", true)]
    [InlineData("SecretAccessKey", true)]
    [InlineData("secret-access-key", true)]
    [InlineData("ConnectionString", true)]
    [InlineData("Authorization", true)]
    [InlineData("ClientSecret", true)]
    [InlineData("Credentials", true)]
    [InlineData("SecretName", false)]
    [InlineData("AccessKeyId", false)]
    [InlineData("TokenRef", false)]
    [InlineData("SecretNamespace", false)]
    [InlineData("RequiredKeys", false)]
    [InlineData("Pool", false)]
    [InlineData("Keynote", false)]
    [InlineData("Tokenizer", false)]
    public void Should_tell_secret_names_from_names_of_references(string name, bool secret) =>
        Assert.Equal(secret, SecretMask.IsSecretName(name));

    [Fact]
    public void Should_mask_the_values_of_secret_properties_at_any_depth_but_descend_into_objects()
    {
        var mask = new SecretMask([]);
        var masked = mask.MaskJson("""{"Credentials":{"SecretName":"s3","SecretKey":"abc"},"Tokens":["t1","t2"],"Nested":[{"password":42}],"Count":3}""")!;
        Assert.Equal("""{"Credentials":{"SecretName":"s3","SecretKey":"***"},"Tokens":["***","***"],"Nested":[{"password":"***"}],"Count":3}""",
            masked.ToJsonString());
    }

    [Fact]
    public void Should_learn_secret_values_from_configuration()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Minio:SecretKey"] = "minio-secret-1",
            ["SagaStore:ConnectionString"] = "Host=db;Username=mlops;Password=pg-pass-22",
            ["RABBITMQ_URL"] = "amqp://svc:rabbit-pass-3@broker:5672/",
            ["Service:Name"] = "provisioner",
            ["Ops:Tokens:alice"] = "alice-0123456789-token",
        }).Build();
        var mask = SecretMask.From(configuration, OpsTokens.From(configuration));
        Assert.Equal("a ***, b ***, c ***, d *** provisioner",
            mask.MaskText("a minio-secret-1, b pg-pass-22, c rabbit-pass-3, d alice-0123456789-token provisioner"));
    }

    [Fact]
    public void Should_not_search_for_known_values_so_short_they_would_mask_ordinary_words() =>
        Assert.Equal("the pool is open", new SecretMask(["pool", "open"]).MaskText("the pool is open"));
}
