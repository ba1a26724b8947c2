using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace HaSystem.ApiService.Infrastructure;

/// <summary>
/// An exclusive lock on a file, shared between processes: <c>flock(2)</c>, tried without blocking and tried again
/// every <see cref="PollInterval"/> until it is free. The OS lets go of it when the process that holds it dies.
/// One caller at a time per instance: callers queue for it before (<see cref="CatalogWriteLock"/> does).
/// </summary>
internal sealed class ProcessFileLock(string path, TimeProvider time) : IDisposable
{
    /// <summary>How soon a process waiting for another one's write sees it end.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(1);

    private const int LockExclusive = 2;
    private const int NonBlocking = 4;
    private const int Unlock = 8;
    private const int Interrupted = 4; // EINTR
    private static readonly int WouldBlock = OperatingSystem.IsLinux() ? 11 : 35; // EWOULDBLOCK

    private SafeFileHandle? _file;

    /// <summary>Whether this OS has <c>flock(2)</c> (Linux, macOS); elsewhere processes are not kept apart.</summary>
    public static bool IsSupported => OperatingSystem.IsLinux() || OperatingSystem.IsMacOS() || OperatingSystem.IsFreeBSD();

    /// <summary>Holds the lock until the result is disposed.</summary>
    /// <exception cref="TimeoutException">Another process held it for all of <paramref name="wait"/>.</exception>
    public async Task<IDisposable> TakeAsync(TimeSpan wait, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        while (true)
        {
            var file = Open();
            if (file is not null && TryInvoke(file, LockExclusive | NonBlocking))
            {
                return new Held(file);
            }

            if (time.GetElapsedTime(started) >= wait)
            {
                throw new TimeoutException($"Another process held {path} for {wait.TotalMilliseconds:0} ms.");
            }

            await Task.Delay(PollInterval, time, cancellationToken);
        }
    }

    public void Dispose() => _file?.Dispose();

    // Opened once. .NET takes a shared flock of its own when it opens a file, and fails while another process holds
    // the lock: then this is tried again at the next poll. The descriptor drops that shared lock at once.
    private SafeFileHandle? Open()
    {
        if (_file is null)
        {
            SafeFileHandle? file = null;
            try
            {
                file = File.OpenHandle(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite);
                TryInvoke(file, Unlock);
                _file = file;
            }
            catch (IOException)
            {
                file?.Dispose(); // never keep .NET's shared lock: it would shut the other replicas out
                return null;
            }
        }

        return _file;
    }

    // True when done; false when another process holds the lock (only asked for without blocking).
    private static bool TryInvoke(SafeFileHandle file, int operation)
    {
        while (flock(file, operation) != 0)
        {
            var error = Marshal.GetLastPInvokeError();
            if (error == WouldBlock)
            {
                return false;
            }

            if (error != Interrupted)
            {
                throw new IOException($"flock({operation}) on the catalog's write lock failed: errno {error}.");
            }
        }

        return true;
    }

    // DllImport rather than LibraryImport: nothing to generate, no unsafe code to allow. The SafeHandle keeps the
    // descriptor open for the length of the call, even if the lock is disposed meanwhile (at shutdown).
    [DllImport("libc", SetLastError = true)]
    private static extern int flock(SafeFileHandle file, int operation);

    private sealed class Held(SafeFileHandle file) : IDisposable
    {
        public void Dispose()
        {
            if (!file.IsClosed)
            {
                TryInvoke(file, Unlock); // closed means disposed at shutdown, which let go of the lock already
            }
        }
    }
}
