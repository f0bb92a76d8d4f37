namespace Mlops.Clients.Tests;

/// <summary>One request a <see cref="RecordedServer"/> received.</summary>
public sealed record RecordedRequest(string Method, string PathAndQuery, string Authorization, string? ContentType, string Body);
