extern alias modelpromoter;
extern alias provisioner;
extern alias trainingcoordinator;

using System.Text.RegularExpressions;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Mlops.Testing;

namespace Mlops.Ops.Tests.Architecture;

/// <summary>
/// docs/architecture.md draws every saga's states and declared transitions from the state machines themselves: a state,
/// an event or a transition added or removed without the doc fails here. <c>MLOPS_WRITE_DOCS=1</c> rewrites the blocks.
/// </summary>
public sealed class When_the_architecture_is_documented
{
    private static readonly string Doc = Path.Combine(TestEnvironment.RepositoryRoot, "docs", "architecture.md");

    public static TheoryData<string> Sagas => new(Diagrams().Keys);

    [Theory]
    [MemberData(nameof(Sagas))]
    public void Should_draw_the_saga_as_its_state_machine_declares_it(string saga)
    {
        var expected = Diagrams()[saga];
        var doc = File.ReadAllText(Doc);
        var block = BlockPattern(saga).Match(doc);
        if (Environment.GetEnvironmentVariable("MLOPS_WRITE_DOCS") == "1")
        {
            File.WriteAllText(Doc, block.Success
                ? doc[..block.Groups["body"].Index] + expected + doc[(block.Groups["body"].Index + block.Groups["body"].Length)..]
                : doc + $"\n<!-- transitions:{saga} -->\n{expected}<!-- /transitions -->\n");
            return;
        }
        Assert.True(block.Success, $"docs/architecture.md has no block <!-- transitions:{saga} --> … <!-- /transitions -->; run the test with MLOPS_WRITE_DOCS=1.");
        Assert.Equal(expected, block.Groups["body"].Value);
    }

    [Fact]
    public void Should_have_a_block_for_no_saga_that_is_gone()
    {
        var documented = Regex.Matches(File.ReadAllText(Doc), "<!-- transitions:(?<saga>[A-Za-z]+) -->").Select(m => m.Groups["saga"].Value);
        Assert.Empty(documented.Except(Diagrams().Keys));
    }

    private static Regex BlockPattern(string saga) =>
        new($"<!-- transitions:{saga} -->\\n(?<body>.*?)<!-- /transitions -->", RegexOptions.Singleline);

    // Every saga of the three services, built as their hosts build them (settings at their defaults).
    private static Dictionary<string, string> Diagrams()
    {
        using var services = new ServiceCollection().AddOptions().AddLogging().AddMetrics()
            .AddSingleton<modelpromoter::Mlops.ModelPromoter.Serving.RolloutDurations>()
            .BuildServiceProvider();
        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["StackState"] = Draw<provisioner::Mlops.Provisioner.Sagas.StackStateMachine, provisioner::Mlops.Provisioner.Sagas.StackState>(services),
            ["TrainingRunState"] = Draw<trainingcoordinator::Mlops.TrainingCoordinator.Sagas.TrainingRunStateMachine,
                trainingcoordinator::Mlops.TrainingCoordinator.Sagas.TrainingRunState>(services),
            ["PromotionState"] = Draw<modelpromoter::Mlops.ModelPromoter.Sagas.PromotionStateMachine, modelpromoter::Mlops.ModelPromoter.Sagas.PromotionState>(services),
            ["ServingState"] = Draw<modelpromoter::Mlops.ModelPromoter.Sagas.ServingStateMachine, modelpromoter::Mlops.ModelPromoter.Sagas.ServingState>(services),
            ["RunArtifactState"] = Draw<modelpromoter::Mlops.ModelPromoter.Sagas.RunArtifactStateMachine, modelpromoter::Mlops.ModelPromoter.Sagas.RunArtifactState>(services),
            ["RegistryAliasState"] = Draw<modelpromoter::Mlops.ModelPromoter.Sagas.RegistryAliasStateMachine, modelpromoter::Mlops.ModelPromoter.Sagas.RegistryAliasState>(services),
            ["RegistryReconciliationState"] = Draw<modelpromoter::Mlops.ModelPromoter.Sagas.RegistryReconciliationStateMachine,
                modelpromoter::Mlops.ModelPromoter.Sagas.RegistryReconciliationState>(services),
            ["KnownStackState"] = Draw<modelpromoter::Mlops.ModelPromoter.Sagas.KnownStackStateMachine, modelpromoter::Mlops.ModelPromoter.Sagas.KnownStackState>(services),
        };
    }

    private static string Draw<TMachine, TSaga>(IServiceProvider services)
        where TMachine : MassTransitStateMachine<TSaga>
        where TSaga : class, SagaStateMachineInstance =>
        SagaDiagram.Of(ActivatorUtilities.CreateInstance<TMachine>(services));
}
