namespace Mlops.Dashboard.Tests;

/// <summary>The dashboard's tests share one world (sandbox, services, dashboard, browser) and run one after another.</summary>
[CollectionDefinition(Name)]
public sealed class DashboardCollection : ICollectionFixture<DashboardWorld>
{
    public const string Name = "dashboard";
}
