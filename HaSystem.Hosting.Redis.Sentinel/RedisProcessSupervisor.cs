using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Globalization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// Starts again every Redis node and Sentinel whose process dies, so the topology heals without a human: after a
/// <c>kill -9</c> the group is back to full redundancy within seconds. A process that exits cleanly (exit code 0: the
/// dashboard's Stop, <c>SHUTDOWN</c>, the AppHost stopping) was asked to, and stays stopped: that is the operator's
/// decision. A process that keeps dying is started again with a growing pause (back-off), and each node shows how
/// often it was started again (<see cref="RedisResourceProperties.Restarts"/>).
/// </summary>
/// <remarks>
/// A dead <em>primary</em> is started again only once the Sentinels have promoted another node: started before, it
/// would either come back as primary with an append-only file up to a second behind its replicas (which would then
/// resynchronise from it and lose those writes), or, as a replica, keep answering on the primary's address and hold
/// up the Sentinels' failover for some 20 s. If no promotion happens (no quorum, no replica), it is started after
/// <see cref="PrimaryHold"/> as the only copy there is.
/// </remarks>
internal sealed partial class RedisProcessSupervisor(
    DistributedApplicationModel model,
    ResourceNotificationService notifications,
    ResourceCommandService commands,
    ResourceLoggerService loggers,
    IServiceProvider services,
    IHostApplicationLifetime lifetime) : BackgroundService
{
    /// <summary>A process that ran this long before dying starts its back-off from the beginning.</summary>
    public static readonly TimeSpan StableAfter = TimeSpan.FromSeconds(30);

    public static readonly TimeSpan PrimaryHold = TimeSpan.FromSeconds(20);

    private readonly ConcurrentDictionary<string, Supervised> _supervised = new();

    /// <summary>
    /// The pause before starting a process again after its <paramref name="crashes"/>-th death in a row: almost none the
    /// first time (a node killed once is back within about 1.5 s, DCP's start included), then 1 s, 2 s, 4 s … 30 s.
    /// </summary>
    public static TimeSpan BackOff(int crashes) => crashes <= 1
        ? TimeSpan.FromMilliseconds(100)
        : TimeSpan.FromMilliseconds(Math.Min(30_000, 500 * Math.Pow(2, Math.Min(crashes - 1, 10))));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        foreach (var resource in model.Resources.Where(r => r is RedisNodeResource or RedisSentinelResource))
        {
            _supervised[resource.Name] = new Supervised(resource);
        }

        await foreach (var change in notifications.WatchAsync(stoppingToken).ConfigureAwait(false))
        {
            if (!_supervised.TryGetValue(change.Resource.Name, out var supervised))
            {
                continue;
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
        var resource = supervised.Resource;
        var logger = loggers.GetLogger(resource);
        var ranFor = DateTimeOffset.UtcNow - supervised.RunningSince;
        supervised.Crashes = ranFor >= StableAfter ? 1 : supervised.Crashes + 1;
        var pause = BackOff(supervised.Crashes);
        LogDied(logger, resource.Name, exitCode?.ToString(CultureInfo.InvariantCulture) ?? "unknown", pause.TotalSeconds);
        try
        {
            await Task.Delay(pause, stoppingToken).ConfigureAwait(false);
            if (resource is RedisNodeResource node && node.Group.LastKnownPrimary == node)
            {
                await WaitForPromotionAsync(node, logger, stoppingToken).ConfigureAwait(false);
            }

            // Someone (the dashboard's Start, a test) may have started it meanwhile.
            if (!IsDead(supervised.State) || lifetime.ApplicationStopping.IsCancellationRequested)
            {
                return;
            }

            var result = await commands.ExecuteCommandAsync(resource, KnownResourceCommands.StartCommand, stoppingToken).ConfigureAwait(false);
            if (!result.Success)
            {
                LogStartFailed(logger, resource.Name, result.Message ?? "no reason given");
                return;
            }

            var restarts = Interlocked.Increment(ref supervised.Restarts);
            await notifications.PublishUpdateAsync(resource, snapshot => snapshot with
            {
                Properties = snapshot.Properties
                    .Where(p => p.Name != RedisResourceProperties.Restarts)
                    .Append(new ResourcePropertySnapshot(RedisResourceProperties.Restarts, restarts))
                    .ToImmutableArray(),
            }).ConfigureAwait(false);
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

    private async Task WaitForPromotionAsync(RedisNodeResource node, ILogger logger, CancellationToken stoppingToken)
    {
        LogWaitingForPromotion(logger, node.Name, node.Group.Name);
        var started = DateTimeOffset.UtcNow;
        while (DateTimeOffset.UtcNow - started < PrimaryHold)
        {
            if (await RedisPrimaryResolver.FindPromotedPrimaryAsync(node, services, stoppingToken).ConfigureAwait(false) is not null)
            {
                return;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), stoppingToken).ConfigureAwait(false);
        }

        LogNoPromotion(logger, node.Name, PrimaryHold.TotalSeconds);
    }

    private sealed class Supervised(IResource resource)
    {
        public IResource Resource { get; } = resource;

        public string? State { get; set; }

        public bool StopRequested { get; set; }

        public DateTimeOffset RunningSince { get; set; } = DateTimeOffset.UtcNow;

        public int Crashes { get; set; }

        public int Restarts;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Resource} died (exit code {ExitCode}); starting it again in {Pause:0.0} s.")]
    private static partial void LogDied(ILogger logger, string resource, string exitCode, double pause);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Node} was the primary of '{Group}': waiting for the Sentinels to promote a replica, so that it comes back as that replica's replica.")]
    private static partial void LogWaitingForPromotion(ILogger logger, string node, string group);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No other node of {Node}'s group was promoted within {Hold:0} s; starting it with its own data as the only copy there is.")]
    private static partial void LogNoPromotion(ILogger logger, string node, double hold);

    [LoggerMessage(Level = LogLevel.Error, Message = "Starting {Resource} again failed: {Reason}.")]
    private static partial void LogStartFailed(ILogger logger, string resource, string reason);
}
