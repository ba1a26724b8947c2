using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;

namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// The folder of one AppHost run under the temp directory: a sub-folder per Redis node and Sentinel (data, AOF,
/// generated configuration), and one for any other resource of the app that keeps files. Every run starts empty; the folder is removed when the AppHost
/// stops, and folders that a crashed run left behind are removed by the next one.
/// </summary>
public sealed class RunDirectory
{
    private RunDirectory(string path) => Path = path;

    /// <summary>The folder of this run.</summary>
    public string Path { get; }

    /// <summary>
    /// The folder of this run, created on first use (with its removal at stop registered on <paramref name="builder"/>).
    /// </summary>
    public static RunDirectory For(IDistributedApplicationBuilder builder)
    {
        // One per application builder (tests build several applications in one process).
        if (builder.Services.FirstOrDefault(d => d.ServiceType == typeof(RunDirectory))?.ImplementationInstance is RunDirectory existing)
        {
            return existing;
        }

        // Named after the application up to its first dot (Contoso.AppHost: $TMPDIR/contoso), so that tools find one app's runs.
        var root = System.IO.Path.Combine(System.IO.Path.GetTempPath(), builder.Environment.ApplicationName.Split('.')[0].ToLowerInvariant());
        var directory = Create(root);
        builder.Services.AddSingleton(directory);
        builder.Services.AddSingleton<Microsoft.Extensions.Hosting.IHostedService>(new RunDirectoryCleanup(directory));
        return directory;
    }

    /// <summary>Creates the folder of this run, after removing those of runs whose AppHost is gone.</summary>
    private static RunDirectory Create(string root)
    {
        Directory.CreateDirectory(root);
        RemoveAbandonedRuns(root);
        var stamp = DateTime.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);
        var path = System.IO.Path.Combine(root, $"{Environment.ProcessId}-{stamp}-{Guid.NewGuid():N}"[..40]);
        CreatePrivateDirectory(path);
        return new RunDirectory(path);
    }

    /// <summary>The folder of one node or Sentinel, created on first use.</summary>
    public string For(string resourceName)
    {
        var path = System.IO.Path.Combine(Path, resourceName);
        CreatePrivateDirectory(path);
        return path;
    }

    /// <summary>Removes the folder of this run; Redis processes that still hold files open are not disturbed on Unix.</summary>
    public void Delete()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
        catch (IOException)
        {
            // A node may still be writing its AOF; the next run removes what is left.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static void CreatePrivateDirectory(string path)
    {
        // The generated configuration files hold the password: only the current user may read them.
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
        }
        else
        {
            Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    private static void RemoveAbandonedRuns(string root)
    {
        foreach (var dir in Directory.EnumerateDirectories(root))
        {
            var name = System.IO.Path.GetFileName(dir);
            var pidText = name.Split('-')[0];
            if (int.TryParse(pidText, CultureInfo.InvariantCulture, out var pid) && !IsAlive(pid))
            {
                new RunDirectory(dir).Delete();
            }
        }
    }

    private static bool IsAlive(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}
