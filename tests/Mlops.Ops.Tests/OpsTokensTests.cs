using Microsoft.Extensions.Configuration;
using Mlops.ServiceDefaults.Ops;

namespace Mlops.Ops.Tests;

/// <summary>Tokens from configuration or a mounted Secret, each with its owner; malformed ones stop the service.</summary>
public sealed class OpsTokensTests
{
    private static IConfiguration Config(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    [Fact]
    public void Should_name_the_owner_of_a_token_and_no_one_for_others()
    {
        var tokens = OpsTokens.From(Config(("Ops:Tokens:alice", "alice-0123456789-token"), ("Ops:Tokens:ci-bot", "ci-bot-9876543210-token")));
        Assert.Equal("alice", tokens.Authenticate("alice-0123456789-token"));
        Assert.Equal("ci-bot", tokens.Authenticate("ci-bot-9876543210-token"));
        Assert.Null(tokens.Authenticate("alice-0123456789-toke"));
        Assert.Null(tokens.Authenticate(""));
        Assert.Null(tokens.Authenticate(null));
    }

    [Fact]
    public void Should_refuse_everyone_when_no_token_is_configured() =>
        Assert.Null(OpsTokens.From(Config()).Authenticate("anything-at-all-0000"));

    [Fact]
    public void Should_read_a_mounted_secret_with_one_file_per_owner()
    {
        var directory = Directory.CreateTempSubdirectory("ops-tokens").FullName;
        try
        {
            File.WriteAllText(Path.Combine(directory, "release-bot"), "release-bot-token-000111\n");
            Directory.CreateDirectory(Path.Combine(directory, "..2026_12_01"));
            File.WriteAllText(Path.Combine(directory, ".hidden"), "not-a-token-but-long-enough");
            var tokens = OpsTokens.From(Config(("Ops:TokenDirectory", directory)));
            Assert.Equal(["release-bot"], tokens.Owners);
            Assert.Equal("release-bot", tokens.Authenticate("release-bot-token-000111"));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void Should_refuse_short_shared_or_badly_named_tokens_naming_the_key_and_never_the_value()
    {
        var error = Assert.Throws<InvalidOperationException>(() => OpsTokens.From(Config(
            ("Ops:Tokens:bob", "short"),
            ("Ops:Tokens:carol", "shared-token-000000001"),
            ("Ops:Tokens:dave", "shared-token-000000001"),
            ("Ops:Tokens:eve mallory", "eve-token-00000000001"))));
        Assert.Contains("Ops:Tokens:bob: the token must have at least 16 characters", error.Message, StringComparison.Ordinal);
        Assert.Contains("Ops:Tokens:carol and Ops:Tokens:dave share one token", error.Message, StringComparison.Ordinal);
        Assert.Contains("Ops:Tokens:eve mallory: the owner name", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("shared-token-000000001", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("short", error.Message.Replace("shorter", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public void Should_refuse_a_token_directory_that_does_not_exist() =>
        Assert.Contains("does not exist", Assert.Throws<InvalidOperationException>(() =>
            OpsTokens.From(Config(("Ops:TokenDirectory", "/nonexistent/ops-tokens")))).Message, StringComparison.Ordinal);
}
