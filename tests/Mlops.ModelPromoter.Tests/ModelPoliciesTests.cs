using Microsoft.Extensions.Configuration;
using Mlops.ModelPromoter.Policies;

namespace Mlops.ModelPromoter.Tests;

/// <summary>Per-model policies from configuration: the default out of the box, a model's own keys over it.</summary>
public sealed class ModelPoliciesTests
{
    private static ModelPolicies From(Dictionary<string, string?> settings) =>
        new(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());

    [Fact]
    public void Should_serve_automatically_without_gates_when_nothing_is_configured()
    {
        var policy = From([]).For("cnn_classifier");

        Assert.False(policy.RequireApproval);
        Assert.Empty(policy.Gates);
        Assert.Equal("production", policy.TargetAlias);
        Assert.Equal("4Gi", policy.Resources.MemoryRequest);
        Assert.Equal("ClusterIP", policy.Exposure.Kind);
    }

    [Fact]
    public void Should_lay_a_models_own_keys_over_the_default()
    {
        var policies = From(new()
        {
            ["ModelPromoter:Policies:Default:TargetAlias"] = "champion",
            ["ModelPromoter:Policies:Default:Gates:0:Metric"] = "loss",
            ["ModelPromoter:Policies:Default:Gates:0:Max"] = "0.5",
            ["ModelPromoter:Policies:Models:cnn_classifier:RequireApproval"] = "true",
            ["ModelPromoter:Policies:Models:cnn_classifier:Gates:0:Metric"] = "accuracy",
            ["ModelPromoter:Policies:Models:cnn_classifier:Gates:0:Min"] = "0.85",
            ["ModelPromoter:Policies:Models:cnn_classifier:Resources:CpuLimit"] = "2",
        });

        var own = policies.For("cnn_classifier");
        Assert.True(own.RequireApproval);
        Assert.Equal("champion", own.TargetAlias);
        var gate = Assert.Single(own.Gates);
        Assert.Equal(("accuracy", 0.85), (gate.Metric, gate.Min!.Value));
        Assert.Equal("2", own.Resources.CpuLimit);
        Assert.Equal("4Gi", own.Resources.MemoryRequest);

        var other = policies.For("other_model");
        Assert.False(other.RequireApproval);
        Assert.Equal("loss", Assert.Single(other.Gates).Metric);
        Assert.Equal("5", other.Resources.CpuLimit);
    }

    [Fact]
    public void Should_refuse_a_setting_that_is_not_a_policy_key() =>
        Assert.Throws<InvalidOperationException>(() => From(new() { ["ModelPromoter:Policies:Default:RequireAproval"] = "true" }));
}
