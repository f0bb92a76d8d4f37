using CsCheck;
using k8s.Models;
using Mlops.Clients.Kubernetes;
using Mlops.Contracts;
using Mlops.ModelPromoter.Sagas;
using Mlops.ModelPromoter.Serving;
using Mlops.TrainingCoordinator.Jobs;

namespace Mlops.Hostile.Tests.Properties;

/// <summary>
/// Kubernetes names made from MLflow names (ModelServerNaming, TrainingJobNames): always DNS-1123 labels that fit, the
/// same for the same name, and two names that differ only by a look-alike letter never end up as one model: their
/// hashed server names, serving sagas and promotions differ and neither owns the other's objects, or the look-alike is refused.
/// </summary>
public sealed class When_model_names_become_Kubernetes_names
{
    private const long Runs = 500;

    [Fact]
    public void Should_give_only_DNS_1123_labels_that_fit_a_Service_name_or_refuse_the_name() =>
        Gen.String[HostileText.Char, 0, 120].Sample(name =>
        {
            IReadOnlyList<ModelServerName> candidates;
            try
            {
                candidates = ModelServerNaming.Candidates(name);
            }
            catch (ServingRefusedException refused)
            {
                Assert.Equal("", ModelServerNaming.Sanitise(name));
                Assert.Contains("gives no Kubernetes name", refused.Message, StringComparison.Ordinal);
                return;
            }
            Assert.InRange(candidates.Count, 1, 2);
            Assert.Equal(candidates.Count, candidates.Distinct().Count());
            foreach (var candidate in candidates)
            {
                Assert.True(KubernetesNames.IsLabel(candidate.Label), candidate.Label);
                Assert.True(KubernetesNames.IsLabel(candidate.ObjectName), candidate.ObjectName);
                Assert.Equal(ModelServerNaming.Prefix + candidate.Label + ModelServerNaming.Suffix, candidate.ObjectName);
            }
        }, iter: Runs);

    [Fact]
    public void Should_give_the_same_names_for_the_same_model_name() =>
        Gen.String[HostileText.Char, 1, 80].Where(n => ModelServerNaming.Sanitise(n).Length > 0).Sample(name =>
            Assert.Equal(ModelServerNaming.Candidates(name), ModelServerNaming.Candidates(new string(name.AsSpan()))), iter: Runs);

    [Fact]
    public void Should_keep_a_name_with_a_look_alike_letter_apart_from_the_name_it_imitates() =>
        HostileText.NameAndLookAlike.Sample(pair =>
        {
            var (name, lookAlike) = pair;
            Assert.NotEqual(name, lookAlike);
            if (ModelServerNaming.Sanitise(lookAlike).Length == 0)
            {
                // Nothing of it is ASCII: refused, so it cannot take the other's name.
                Assert.Throws<ServingRefusedException>(() => ModelServerNaming.Candidates(lookAlike));
                return;
            }
            // The plain names may coincide (the Kelvin sign lowercases to 'k'): the second model then claims the hashed one.
            Assert.NotEqual(ModelServerNaming.Candidates(name)[^1], ModelServerNaming.Candidates(lookAlike)[^1]);
            Assert.NotEqual(ServingSagaIds.ForModel(name), ServingSagaIds.ForModel(lookAlike));
            Assert.NotEqual(PromotionIds.Automatic(name, "1"), PromotionIds.Automatic(lookAlike, "1"));
            Assert.NotEqual(SagaIds.ForModelVersion(name, "1"), SagaIds.ForModelVersion(lookAlike, "1"));
            var owned = new V1ObjectMeta { Annotations = new Dictionary<string, string> { [ModelServerLabels.ModelNameAnnotation] = name } };
            Assert.True(ModelServerManifests.IsOwnedBy(owned, name));
            Assert.False(ModelServerManifests.IsOwnedBy(owned, lookAlike));
        }, iter: Runs);

    [Fact]
    public void Should_name_training_Jobs_with_labels_of_at_most_63_characters_distinct_per_attempt()
    {
        var gen = from model in Gen.String[HostileText.Char, 1, 120].Where(n => n.Length > 0)
                  from run in Gen.Frequency((3, Gen.Guid.Select(g => g.ToString("N"))), (1, Gen.String[HostileText.Char, 1, 40]))
                  from attempt in Gen.Int[1, 1000]
                  select (model, run, attempt);
        gen.Sample(t =>
        {
            var job = TrainingJobNames.For(t.model, t.run, t.attempt);
            Assert.True(KubernetesNames.IsLabel(job), job);
            Assert.Equal(job, TrainingJobNames.For(t.model, t.run, t.attempt));
            Assert.NotEqual(job, TrainingJobNames.For(t.model, t.run, t.attempt + 1));
            var slug = TrainingJobNames.Slug(t.model);
            Assert.True(slug.Length == 0 || KubernetesNames.IsLabel(slug), slug);
        }, iter: Runs);
    }
}
