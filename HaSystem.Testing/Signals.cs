using System.Runtime.InteropServices;

namespace HaSystem.Testing;

/// <summary>Sends POSIX signals by PID, for fault injection on real processes.</summary>
public static partial class Signals
{
    private const int SigInt = 2;
    private const int SigKill = 9;
    private const int SigUsr1 = 10;
    private const int SigTerm = 15;
    private const int SigCont = 18;
    private const int SigStop = 19;

    /// <summary>Asks a process to shut down gracefully (SIGTERM).</summary>
    public static void Terminate(int pid) => Send(pid, SigTerm, "TERM");

    /// <summary>Kills a process outright (SIGKILL): no shutdown code runs, nothing is released.</summary>
    public static void KillNow(int pid) => Send(pid, SigKill, "KILL");

    /// <summary>SIGINT: for PostgreSQL, a fast shutdown (its sessions are ended, not waited for), as <c>pg_ctl stop</c> does.</summary>
    public static void Interrupt(int pid) => Send(pid, SigInt, "INT");

    /// <summary>SIGUSR1: for a local PostgreSQL server's keeper, a restart of the server (a fast shutdown, then a start).</summary>
    public static void RequestRestart(int pid) => Send(pid, SigUsr1, "USR1");

    /// <summary>Freezes a process (SIGSTOP), as a long stop-the-world pause would: no thread of it runs until <see cref="Resume"/>.</summary>
    public static void Pause(int pid) => Send(pid, SigStop, "STOP");

    public static void Resume(int pid) => Send(pid, SigCont, "CONT");

    private static void Send(int pid, int signal, string name)
    {
        if (Kill(pid, signal) != 0)
        {
            throw new InvalidOperationException($"kill -{name} {pid} failed with errno {Marshal.GetLastPInvokeError()}.");
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
