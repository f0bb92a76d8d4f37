using System.Diagnostics;

namespace Mlops.SagaStore.Outbox;

/// <summary>
/// Test equipment: kills the process with SIGKILL at the point <c>SagaStore:Testing:CrashAt</c> names, so crash tests can
/// prove that what a transition committed is delivered after a restart. Does nothing unless that setting is given.
/// </summary>
internal sealed class CrashHook(SagaStoreOptions options)
{
    public void At(SagaStoreCrashPoint point)
    {
        if (options.CrashAt != point)
            return;
        Console.Error.WriteLine($"SagaStore:Testing:CrashAt={point}: killing the process");
        Console.Error.Flush();
        Process.GetCurrentProcess().Kill();
    }
}
