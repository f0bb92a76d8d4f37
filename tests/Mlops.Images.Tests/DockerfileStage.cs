namespace Mlops.Images.Tests;

/// <summary>One stage of a Dockerfile: its FROM and the instructions up to the next FROM.</summary>
public sealed record DockerfileStage(string BaseImage, string? Name, IReadOnlyList<DockerfileInstruction> Instructions)
{
    public IEnumerable<DockerfileInstruction> All(string keyword) => Instructions.Where(i => i.Keyword == keyword);

    /// <summary>The user the stage's process runs as: its last USER, null when it sets none (the base image's).</summary>
    public string? User => All("USER").LastOrDefault()?.Arguments.Trim();
}
