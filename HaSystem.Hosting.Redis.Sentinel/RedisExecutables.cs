namespace Aspire.Hosting.ApplicationModel;

/// <summary>Finds <c>redis-server</c> and <c>redis-sentinel</c> before anything starts, so a missing install fails at once.</summary>
internal static class RedisExecutables
{
    public const string InstallHint =
        "Install Redis and put redis-server and redis-sentinel on PATH: " +
        "Debian/Ubuntu: 'sudo apt-get install redis-server redis-sentinel'; macOS: 'brew install redis'. " +
        "Or set Redis:ServerExecutable and Redis:SentinelExecutable to their full paths.";

    /// <summary>Resolves both executables to full paths, or throws one message that names everything missing.</summary>
    public static (string Server, string Sentinel) Resolve(RedisTopologyOptions options)
    {
        var server = Find(options.ServerExecutable);
        var sentinel = Find(options.SentinelExecutable);
        if (server is not null && sentinel is not null)
        {
            return (server, sentinel);
        }

        var missing = new[] { (options.ServerExecutable, server), (options.SentinelExecutable, sentinel) }
            .Where(x => x.Item2 is null)
            .Select(x => $"'{x.Item1}'");
        throw new DistributedApplicationException(
            $"Redis executables not found: {string.Join(" and ", missing)}. {InstallHint}");
    }

    private static string? Find(string executable)
    {
        if (Path.IsPathRooted(executable) || executable.Contains(Path.DirectorySeparatorChar))
        {
            return File.Exists(executable) ? Path.GetFullPath(executable) : null;
        }

        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        return path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, executable))
            .FirstOrDefault(File.Exists);
    }
}
