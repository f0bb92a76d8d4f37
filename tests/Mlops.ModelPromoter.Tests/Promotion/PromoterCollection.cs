namespace Mlops.ModelPromoter.Tests.Promotion;

/// <summary>The promoter's tests share one sandbox and run one after another: the machine is small and they share the broker.</summary>
[CollectionDefinition(Name)]
public sealed class PromoterCollection : ICollectionFixture<PromoterSandbox>
{
    public const string Name = "promoter";
}
