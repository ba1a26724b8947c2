using Microsoft.Extensions.Logging;

namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// What the supervisor does before it starts a dead Patroni agent again (<see cref="SupervisedProcessAnnotation.BeforeRestart"/>),
/// as for a Redis primary: the agent of the primary whose server died with it (the node lost) is started again only
/// once another node is promoted, so that a
/// lost primary node always comes back as a standby (rewound with <c>pg_rewind</c> if it had diverged), whether it
/// comes back in a second or in an hour. Started at once, it found its own leader key still in etcd (the ttl had not
/// run out), took the cluster back and restarted its server as the primary: a second path through a failover, which
/// the node-loss test would never see. If nobody is promoted (no standby can be), it is started after the hold.
/// </summary>
internal static partial class PatroniPrimaryRestart
{
    public static async Task WaitForPromotionAsync(IResource resource, IServiceProvider services, ILogger logger, CancellationToken stoppingToken)
    {
        if (resource is not PatroniNodeResource node || node.Cluster.Primary != node)
        {
            return;
        }

        // Only the agent died: its server still runs as the primary and takes writes. Started again at once, the agent
        // takes it over with its own leader key, and nothing fails over; held, the server would go on as a primary
        // nobody manages while a standby is promoted beside it.
        if (ServerStillRuns(node))
        {
            LogServerStillRuns(logger, node.Name);
            return;
        }

        // The leader key outlives its holder by the ttl; the promotion takes a loop or two after it.
        var hold = TimeSpan.FromSeconds((2 * node.Cluster.Options.TimeToLiveSeconds) + 5);
        LogWaitingForPromotion(logger, node.Name, node.Cluster.Name);
        if (await PromotionWait.UntilPromotedAsync(
            _ => Task.FromResult(node.Cluster.LastView?.Primary is { } primary && primary.Name != node.Name),
            hold, stoppingToken).ConfigureAwait(false))
        {
            return;
        }

        LogNoPromotion(logger, node.Name, hold.TotalSeconds);
    }

    private static bool ServerStillRuns(PatroniNodeResource node)
    {
        try
        {
            var pid = File.ReadLines(Path.Combine(node.DataDirectory, "postmaster.pid")).First().Trim();
            var commandLine = Path.Combine("/proc", pid, "cmdline");
            return File.Exists(commandLine) && File.ReadAllText(commandLine).Contains(node.DataDirectory, StringComparison.Ordinal);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            return false; // no pid file (the server stopped cleanly), or it is gone: the server does not run
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Node}'s PostgreSQL server still runs: starting its agent again at once.")]
    private static partial void LogServerStillRuns(ILogger logger, string node);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Node} was the primary of '{Cluster}': waiting for a standby's promotion, so that it comes back as a standby.")]
    private static partial void LogWaitingForPromotion(ILogger logger, string node, string cluster);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No other node of {Node}'s cluster was promoted within {Hold:0} s; starting it again.")]
    private static partial void LogNoPromotion(ILogger logger, string node, double hold);
}
