using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Globalization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// Starts again every supervised process (<see cref="SupervisedProcessAnnotation"/>) that dies, so the system heals
/// without a human: Redis nodes and Sentinels, PostgreSQL servers (their keepers), Patroni agents and etcd members. A
/// process that exits cleanly (exit code 0: the dashboard's Stop, <c>SHUTDOWN</c>, the AppHost stopping) was asked
/// to, and stays stopped: that is the operator's decision. A process that keeps dying is started again with a growing
/// pause (back-off), and shows how often it was started again in its restarts property.
/// </summary>
internal sealed partial class ProcessSupervisor(
    DistributedApplicationModel model,
    ResourceNotificationService notifications,
    ResourceCommandService commands,
    ResourceLoggerService loggers,
    IServiceProvider services,
    IHostApplicationLifetime lifetime) : BackgroundService
{
    /// <summary>A process that ran this long before dying starts its back-off from the beginning.</summary>
    public static readonly TimeSpan StableAfter = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<string, Supervised> _supervised = new();

    /// <summary>
    /// The pause before starting a process again after its <paramref name="crashes"/>-th death in a row: almost none the
    /// first time (a Redis node killed once is back within about 1.5 s, DCP's start included), then 1 s, 2 s, 4 s … 30 s.
    /// </summary>
    public static TimeSpan BackOff(int crashes) => crashes <= 1
        ? TimeSpan.FromMilliseconds(100)
        : TimeSpan.FromMilliseconds(Math.Min(30_000, 500 * Math.Pow(2, Math.Min(crashes - 1, 10))));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        foreach (var resource in model.Resources)
        {
            if (resource.Annotations.OfType<SupervisedProcessAnnotation>().LastOrDefault() is { } annotation)
            {
                _supervised[resource.Name] = new Supervised(resource, annotation);
            }
        }

        if (_supervised.IsEmpty)
        {
            return;
        }

        await foreach (var change in notifications.WatchAsync(stoppingToken).ConfigureAwait(false))
        {
            if (!_supervised.TryGetValue(change.Resource.Name, out var supervised))
            {
                continue;
            }

            if (supervised.Annotation.RestartLogMarker is not null && supervised.Watched.Add(change.ResourceId))
            {
                _ = CountSelfRestartsAsync(supervised, change.ResourceId, stoppingToken);
            }

            var state = change.Snapshot.State?.Text;
            var previous = supervised.State;
            supervised.State = state;
            if (state == KnownResourceStates.Running && previous != KnownResourceStates.Running)
            {
                supervised.RunningSince = DateTimeOffset.UtcNow;
                Interlocked.Increment(ref supervised.Generation);
            }
            else if (state == KnownResourceStates.Stopping)
            {
                supervised.StopRequested = true;
                Interlocked.Increment(ref supervised.Generation);
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
        var resource = supervised.Resource;
        var logger = loggers.GetLogger(resource);
        var ranFor = DateTimeOffset.UtcNow - supervised.RunningSince;
        supervised.Crashes = ranFor >= StableAfter ? 1 : supervised.Crashes + 1;
        var pause = BackOff(supervised.Crashes);
        LogDied(logger, resource.Name, exitCode?.ToString(CultureInfo.InvariantCulture) ?? "unknown", pause.TotalSeconds);
        var generation = Volatile.Read(ref supervised.Generation);
        try
        {
            await Task.Delay(pause, stoppingToken).ConfigureAwait(false);
            if (supervised.Annotation.BeforeRestart is { } beforeRestart)
            {
                try
                {
                    await beforeRestart(resource, services, logger, stoppingToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OutOfMemoryException && !stoppingToken.IsCancellationRequested)
                {
                    // The wait is a courtesy to the rest of the topology; a process left dead is worse.
                    LogBeforeRestartFailed(logger, resource.Name, ex);
                }
            }

            // Someone (the dashboard's Start, a test) may have started it meanwhile, or started and stopped it again: an
            // operator's Stop during the wait stays a Stop.
            if (!IsDead(supervised.State) || generation != Volatile.Read(ref supervised.Generation) || lifetime.ApplicationStopping.IsCancellationRequested)
            {
                return;
            }

            var result = await commands.ExecuteCommandAsync(resource, KnownResourceCommands.StartCommand, stoppingToken).ConfigureAwait(false);
            if (!result.Success)
            {
                LogStartFailed(logger, resource.Name, result.Message ?? "no reason given");
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
            // Nobody awaits this task: a failure must be seen, and must not end the supervision of the others.
            LogStartFailed(logger, resource.Name, $"{ex.GetType().Name}: {ex.Message}");
        }
    }

    private Task CountRestartAsync(Supervised supervised)
    {
        var restarts = Interlocked.Increment(ref supervised.Restarts);
        var property = supervised.Annotation.RestartsProperty;
        return notifications.PublishUpdateAsync(supervised.Resource, snapshot => snapshot with
        {
            Properties = snapshot.Properties
                .Where(p => p.Name != property)
                .Append(new ResourcePropertySnapshot(property, restarts))
                .ToImmutableArray(),
        });
    }

    // A process that starts its own server again (a keeper) says so in its log each time.
    private async Task CountSelfRestartsAsync(Supervised supervised, string resourceId, CancellationToken stoppingToken)
    {
        var marker = supervised.Annotation.RestartLogMarker!;
        try
        {
            await foreach (var batch in loggers.WatchAsync(resourceId).WithCancellation(stoppingToken).ConfigureAwait(false))
            {
                // The process's own line says why; nothing is written back to this log (it would be counted again).
                foreach (var _ in batch.Where(l => l.Content.Contains(marker, StringComparison.Ordinal)))
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
            LogCountFailed(loggers.GetLogger(supervised.Resource), supervised.Resource.Name, ex);
        }
    }

    private sealed class Supervised(IResource resource, SupervisedProcessAnnotation annotation)
    {
        public IResource Resource { get; } = resource;

        public SupervisedProcessAnnotation Annotation { get; } = annotation;

        public HashSet<string> Watched { get; } = [];

        public string? State { get; set; }

        public bool StopRequested { get; set; }

        public DateTimeOffset RunningSince { get; set; } = DateTimeOffset.UtcNow;

        public int Crashes { get; set; }

        public int Restarts;

        /// <summary>Counts the starts and the stops asked for: a restart planned before one of them is called off.</summary>
        public int Generation;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Resource} died (exit code {ExitCode}); starting it again in {Pause:0.0} s.")]
    private static partial void LogDied(ILogger logger, string resource, string exitCode, double pause);

    [LoggerMessage(Level = LogLevel.Error, Message = "Starting {Resource} again failed: {Reason}.")]
    private static partial void LogStartFailed(ILogger logger, string resource, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Waiting before {Resource} is started again failed; starting it now.")]
    private static partial void LogBeforeRestartFailed(ILogger logger, string resource, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Counting the restarts of {Resource} by itself stopped.")]
    private static partial void LogCountFailed(ILogger logger, string resource, Exception exception);
}
