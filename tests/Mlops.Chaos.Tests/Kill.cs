namespace Mlops.Chaos.Tests;

/// <summary>One SIGKILL of a service replica: when, how far the flows had come, and how long until it was ready again.</summary>
public sealed record Kill(string Service, int Replica, DateTimeOffset At, double Progress, TimeSpan BackToReady);
