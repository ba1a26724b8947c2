using System.Globalization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// Starts a local PostgreSQL server's process again when it dies (its keeper killed, or the keeper giving up on a server
/// that keeps failing to start), as the Redis processes are: the API rides the outage out within its retry deadline
/// instead of waiting for a human. A process that exits cleanly (exit code 0: a fast or smart shutdown, the dashboard's
/// Stop, the AppHost stopping) was asked to, and stays stopped. One that keeps dying is started again with a growing
/// pause. The server's <c>postgres.restarts</c> property counts the starts again, the keeper's
/// (<see cref="PostgresKeeper"/>: a killed server, started again at once) and this supervisor's.
/// </summary>
/// <remarks>
/// After a <c>kill -9</c> the server's former sessions may hold its shared memory for a moment, and the first start
/// fails ("pre-existing shared memory block is still in use"): the back-off covers that. PostgreSQL recovers from its
/// WAL on the next start: committed transactions are kept.
/// </remarks>
internal sealed partial class PostgresSupervisor(
    DistributedApplicationModel model,
    ResourceNotificationService notifications,
    ResourceCommandService commands,
    ResourceLoggerService loggers,
    IHostApplicationLifetime lifetime) : BackgroundService
{
    public const string RestartsProperty = "postgres.restarts";

    /// <summary>A server that ran this long before dying starts its back-off from the beginning.</summary>
    private static readonly TimeSpan StableAfter = TimeSpan.FromSeconds(30);

    /// <summary>The pause before the <paramref name="crashes"/>-th start in a row: 0.1 s, then 1, 2, 4 … 30 s.</summary>
    public static TimeSpan BackOff(int crashes) => crashes <= 1
        ? TimeSpan.FromMilliseconds(100)
        : TimeSpan.FromMilliseconds(Math.Min(30_000, 500 * Math.Pow(2, Math.Min(crashes - 1, 10))));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var servers = model.Resources.OfType<LocalPostgresServerResource>().ToDictionary(s => s.Name, s => new Supervised(s));
        if (servers.Count == 0)
        {
            return;
        }

        await foreach (var change in notifications.WatchAsync(stoppingToken).ConfigureAwait(false))
        {
            if (!servers.TryGetValue(change.Resource.Name, out var supervised))
            {
                continue;
            }

            if (supervised.Watched.Add(change.ResourceId))
            {
                _ = CountKeeperRestartsAsync(supervised, change.ResourceId, stoppingToken);
            }

            var state = change.Snapshot.State?.Text;
            var previous = supervised.State;
            supervised.State = state;
            if (state == KnownResourceStates.Running && previous != KnownResourceStates.Running)
            {
                supervised.RunningSince = DateTimeOffset.UtcNow;
            }
            else if (state == KnownResourceStates.Stopping)
            {
                supervised.StopRequested = true;
            }
            else if (IsDead(state) && previous is not null && !IsDead(previous) && !lifetime.ApplicationStopping.IsCancellationRequested)
            {
                var asked = supervised.StopRequested || change.Snapshot.ExitCode == 0;
                supervised.StopRequested = false;
                if (!asked)
                {
                    _ = RestartAsync(supervised, change.Snapshot.ExitCode, stoppingToken);
                }
            }
        }
    }

    private static bool IsDead(string? state) => state is not null && (KnownResourceStates.TerminalStates.Contains(state) || state == "Terminated");

    private async Task RestartAsync(Supervised supervised, int? exitCode, CancellationToken stoppingToken)
    {
        var server = supervised.Server;
        var logger = loggers.GetLogger(server);
        supervised.Crashes = DateTimeOffset.UtcNow - supervised.RunningSince >= StableAfter ? 1 : supervised.Crashes + 1;
        var pause = BackOff(supervised.Crashes);
        LogDied(logger, server.Name, exitCode?.ToString(CultureInfo.InvariantCulture) ?? "unknown", pause.TotalSeconds);
        try
        {
            await Task.Delay(pause, stoppingToken).ConfigureAwait(false);
            if (!IsDead(supervised.State) || lifetime.ApplicationStopping.IsCancellationRequested)
            {
                return; // started meanwhile (the dashboard's Start, a test), or the AppHost is stopping
            }

            var result = await commands.ExecuteCommandAsync(server, KnownResourceCommands.StartCommand, stoppingToken).ConfigureAwait(false);
            if (!result.Success)
            {
                LogStartFailed(logger, server.Name, result.Message ?? "no reason given");
                return;
            }

            await CountRestartAsync(supervised).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The AppHost is stopping: nothing to start again.
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Nobody awaits this task: a failure must be seen.
            LogStartFailed(logger, server.Name, $"{ex.GetType().Name}: {ex.Message}");
        }
    }

    private Task CountRestartAsync(Supervised supervised)
    {
        var restarts = Interlocked.Increment(ref supervised.Restarts);
        return notifications.PublishUpdateAsync(supervised.Server, snapshot => snapshot with
        {
            Properties = [.. snapshot.Properties.Where(p => p.Name != RestartsProperty), new ResourcePropertySnapshot(RestartsProperty, restarts)],
        });
    }

    // The keeper says so in the server's log each time it starts the server again.
    private async Task CountKeeperRestartsAsync(Supervised supervised, string resourceId, CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var batch in loggers.WatchAsync(resourceId).WithCancellation(stoppingToken).ConfigureAwait(false))
            {
                // The keeper's own line says why; nothing is written back to this log (it would be counted again).
                foreach (var _ in batch.Where(l => l.Content.Contains(PostgresKeeper.RestartMarker, StringComparison.Ordinal)))
                {
                    await CountRestartAsync(supervised).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The AppHost is stopping.
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Nobody awaits this task: a failure must be seen.
            LogCountFailed(loggers.GetLogger(supervised.Server), supervised.Server.Name, ex);
        }
    }

    private sealed class Supervised(LocalPostgresServerResource server)
    {
        public HashSet<string> Watched { get; } = [];

        public LocalPostgresServerResource Server { get; } = server;

        public string? State { get; set; }

        public bool StopRequested { get; set; }

        public DateTimeOffset RunningSince { get; set; } = DateTimeOffset.UtcNow;

        public int Crashes { get; set; }

        public int Restarts;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Server} died (exit code {ExitCode}); starting it again in {Pause:0.0} s.")]
    private static partial void LogDied(ILogger logger, string server, string exitCode, double pause);

    [LoggerMessage(Level = LogLevel.Error, Message = "Counting the restarts of {Server} by its keeper stopped.")]
    private static partial void LogCountFailed(ILogger logger, string server, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Starting {Server} again failed: {Reason}.")]
    private static partial void LogStartFailed(ILogger logger, string server, string reason);
}
