namespace HaSystem.Web.DataProtection;

/// <summary>Removes the key-ring mirrors of earlier deployments: each AppHost run is a new one, and its file would stay for ever.</summary>
public static partial class MirrorFiles
{
    public static void PruneOlderThan(string directory, string pattern, DateTimeOffset before, string keep, ILogger logger)
    {
        if (!Directory.Exists(directory))
        {
            return;
        }

        foreach (var file in Directory.EnumerateFiles(directory, pattern))
        {
            try
            {
                if (!string.Equals(Path.GetFullPath(file), Path.GetFullPath(keep), StringComparison.Ordinal) && File.GetLastWriteTimeUtc(file) < before.UtcDateTime)
                {
                    File.Delete(file);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                LogNotRemoved(logger, ex, file);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "An old key-ring mirror {File} could not be removed.")]
    private static partial void LogNotRemoved(ILogger logger, Exception exception, string file);
}
