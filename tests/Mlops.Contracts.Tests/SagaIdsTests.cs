namespace Mlops.Contracts.Tests;

public sealed class SagaIdsTests
{
    [Fact]
    public void Should_follow_RFC_9562_version_5_for_a_known_vector()
    {
        var dns = new Guid("6ba7b810-9dad-11d1-80b4-00c04fd430c8");
        Assert.Equal(new Guid("2ed6657d-e927-568b-95e1-2665a8aea6a2"), SagaIds.NameBased(dns, "www.example.com"));
    }

    [Fact]
    public void Should_give_the_same_stack_the_same_id_every_time()
    {
        Assert.Equal(new Guid("c4bd6fb2-68a9-5bc1-ae14-9a259681f8ac"), SagaIds.ForStack("homelab"));
        Assert.Equal(SagaIds.ForStack("homelab"), SagaIds.ForStack("homelab"));
        Assert.NotEqual(SagaIds.ForStack("homelab"), SagaIds.ForStack("homelab-2"));
    }

    [Fact]
    public void Should_give_each_model_version_its_own_stable_id()
    {
        Assert.Equal(new Guid("086e4eae-62d2-5462-9c31-8707daa010b1"), SagaIds.ForModelVersion("cnn_classifier", "7"));
        Assert.Equal(SagaIds.ForModelVersion("cnn_classifier", "7"), SagaIds.ForModelVersion("cnn_classifier", " 7 "));
        Assert.NotEqual(SagaIds.ForModelVersion("cnn_classifier", "7"), SagaIds.ForModelVersion("cnn_classifier", "8"));
        // The separator keeps ("a1", "2") and ("a", "12") apart.
        Assert.NotEqual(SagaIds.ForModelVersion("a1", "2"), SagaIds.ForModelVersion("a", "12"));
    }

    [Fact]
    public void Should_keep_stack_and_model_ids_apart_for_the_same_text()
    {
        Assert.NotEqual(SagaIds.ForStack("x\n1"), SagaIds.ForModelVersion("x", "1"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void Should_refuse_an_empty_natural_key(string key)
    {
        Assert.Throws<ArgumentException>(() => SagaIds.ForStack(key));
        Assert.Throws<ArgumentException>(() => SagaIds.ForModelVersion("cnn_classifier", key));
    }

    [Fact]
    public void Should_accept_a_name_of_exactly_the_bound_and_keep_it_apart_from_a_shorter_one()
    {
        var longest = new string('a', SagaIds.MaxNameBytes);
        Assert.NotEqual(SagaIds.ForStack(longest), SagaIds.ForStack(longest[1..]));
        Assert.Equal(SagaIds.ForStack(longest), SagaIds.ForStack(longest));
    }

    [Fact]
    public void Should_count_the_bound_in_UTF8_bytes_not_characters()
    {
        // 512 two-byte characters reach the bound; one more does not fit.
        var atBound = new string('\u00e9', SagaIds.MaxNameBytes / 2);
        Assert.NotEqual(Guid.Empty, SagaIds.ForStack(atBound));
        var ex = Assert.Throws<ArgumentException>(() => SagaIds.ForStack(atBound + "\u00e9"));
        Assert.Contains(SagaIds.MaxNameBytes.ToString(System.Globalization.CultureInfo.InvariantCulture), ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_refuse_a_name_over_the_bound_naming_the_limit_even_one_far_too_big_for_the_stack()
    {
        // Far beyond any stack: refused by its length alone.
        var huge = new string('x', 50_000_000);
        var ex = Assert.Throws<ArgumentException>(() => SagaIds.ForStack(huge));
        Assert.Contains("at most 1024 UTF-8 bytes", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => SagaIds.ForModelVersion(new string('m', SagaIds.MaxNameBytes), "1"));
        Assert.Throws<ArgumentException>(() => SagaIds.NameBased(Guid.NewGuid(), new string('n', SagaIds.MaxNameBytes + 1)));
    }

    [Fact]
    public void Should_refuse_a_null_name() => Assert.Throws<ArgumentNullException>(() => SagaIds.NameBased(Guid.NewGuid(), null!));
}
