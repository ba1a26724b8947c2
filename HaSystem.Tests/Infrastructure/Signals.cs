using System.Runtime.InteropServices;

namespace HaSystem.Tests.Infrastructure;

/// <summary>Sends POSIX signals by PID, for fault injection on real processes.</summary>
internal static partial class Signals
{
    private const int SigTerm = 15;

    /// <summary>Asks a process to shut down gracefully (SIGTERM).</summary>
    public static void Terminate(int pid)
    {
        if (Kill(pid, SigTerm) != 0)
        {
            throw new InvalidOperationException($"kill -TERM {pid} failed with errno {Marshal.GetLastPInvokeError()}.");
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
