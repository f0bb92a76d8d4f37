namespace Mlops.ServiceDefaults.Tests;

public sealed class ServiceIdentityTests
{
    [Theory]
    [InlineData("ModelPromoter", "model-promoter")]
    [InlineData("TrainingCoordinator", "training-coordinator")]
    [InlineData("Provisioner", "provisioner")]
    [InlineData("Sandbox", "sandbox")]
    public void Should_kebab_case_the_service_name(string pascal, string kebab)
    {
        Assert.Equal(kebab, ServiceIdentity.ToKebabCase(pascal));
    }
}
