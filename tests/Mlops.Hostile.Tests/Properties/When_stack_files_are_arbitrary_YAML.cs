using CsCheck;
using Mlops.Provisioner.Stacks;

namespace Mlops.Hostile.Tests.Properties;

/// <summary>
/// The stack file parser on arbitrary YAML (wrong types, unknown fields, tags, anchors and cycles, complex keys, cut
/// files, text that is not YAML): it reads a stack or throws a <see cref="StackFileException"/> listing errors that each
/// name the field, never anything else.
/// </summary>
public sealed class When_stack_files_are_arbitrary_YAML
{
    private const long Runs = 600;

    [Fact]
    public void Should_read_the_unmutated_file() => Assert.Equal("homelab", StackFile.Parse(YamlShapes.Valid).StackName);

    [Fact]
    public void Should_refuse_arbitrary_YAML_only_with_errors_that_name_the_field() =>
        YamlShapes.Any.Sample(text =>
        {
            try
            {
                var stack = StackFile.Parse(text, "body");
                Assert.False(string.IsNullOrEmpty(stack.StackName));
            }
            catch (StackFileException refused)
            {
                Assert.NotEmpty(refused.Errors);
                Assert.All(refused.Errors, e => Assert.False(string.IsNullOrWhiteSpace(e.Path) || string.IsNullOrWhiteSpace(e.Message), e.ToString()));
            }
        }, iter: Runs);

    [Theory]
    [InlineData("&a {spec: *a}")]
    [InlineData("&a [*a]")]
    [InlineData("{x: &b [*c], y: &c [*b], ? *b : z}")]
    [InlineData("{spec: [1]}")]
    [InlineData("{spec: {encryptedData: {k: v}, template: text}}")]
    [InlineData("{? [complex, key] : value}")]
    public void Should_refuse_a_sealedSecret_that_is_not_a_manifest_naming_the_field(string sealedSecret)
    {
        var refused = Assert.Throws<StackFileException>(() => StackFile.Parse(YamlShapes.WithField("    sealedSecret:", sealedSecret), "body"));

        Assert.Contains(refused.Errors, e => e.Path.StartsWith("secrets[0].sealedSecret", StringComparison.Ordinal));
    }

    [Fact]
    public void Should_refuse_an_alias_bomb_in_a_manifest_without_expanding_it()
    {
        var levels = Enumerable.Range(1, 30).Select(i => $"l{i}: &l{i} [*l{i - 1}, *l{i - 1}, *l{i - 1}, *l{i - 1}]");
        var text = YamlShapes.Valid.Replace("      kind: SealedSecret\n",
            "      kind: SealedSecret\n      bomb:\n        l0: &l0 [x]\n" + string.Concat(levels.Select(l => $"        {l}\n")), StringComparison.Ordinal);

        var refused = Assert.Throws<StackFileException>(() => StackFile.Parse(text, "body"));

        Assert.Contains(refused.Errors, e => e.Path == "secrets[0].sealedSecret");
    }
}
