using Mlops.ModelPromoter.Policies;

namespace Mlops.ModelPromoter.Serving;

/// <summary>
/// Which image serves a model. The upstream <c>ghcr.io/mlflow/mlflow</c> image holds MLflow only (no boto3, no model
/// libraries), so by default the image comes from the model's flavours: the policy's <c>Image</c>, else the first of the
/// MLmodel's flavours that the policy's <c>ImagesByFlavor</c> or the service's <c>ModelPromoter:Serving:Images</c> maps,
/// else their <c>default</c> (a PyTorch model gets the PyTorch variant).
/// </summary>
public static class ModelServerImages
{
    public static (string Image, string ChosenBy) Choose(ModelPolicy policy, IReadOnlyDictionary<string, string> serviceImages, MlmodelFile mlmodel)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(serviceImages);
        ArgumentNullException.ThrowIfNull(mlmodel);
        if (policy.Image is { Length: > 0 } fixedImage)
            return (fixedImage, "the model's policy (Image)");
        foreach (var flavor in mlmodel.LibraryFlavors)
        {
            if (policy.ImagesByFlavor.TryGetValue(flavor, out var byPolicy) && byPolicy.Length > 0)
                return (byPolicy, $"flavour {flavor} (the policy's ImagesByFlavor)");
            if (serviceImages.TryGetValue(flavor, out var byService) && byService.Length > 0)
                return (byService, $"flavour {flavor}");
        }
        if (policy.ImagesByFlavor.TryGetValue("default", out var policyDefault) && policyDefault.Length > 0)
            return (policyDefault, "the policy's default image");
        return (serviceImages["default"], "the default image");
    }
}
