namespace Mlops.Chart.Tests;

/// <summary>
/// A values path a chart file reads. <see cref="Candidates"/> holds more than one when a template reads a path of any service's
/// block; <see cref="CoversChildren"/> says whether reading it uses every key below it (<c>toYaml .Values.x.resources</c>).
/// </summary>
public sealed record TemplateReference(string File, IReadOnlyList<string> Candidates, bool CoversChildren = true);
