namespace Mlops.ModelPromoter.Serving;

/// <summary>
/// One Kubernetes name for a model's server: the Deployment and Service <see cref="ObjectName"/>
/// (<c>mlflow-model-&lt;dns name&gt;-server</c>) and the <c>model</c> label value <see cref="Label"/> (the dns name).
/// </summary>
public sealed record ModelServerName(string Label, string ObjectName);
