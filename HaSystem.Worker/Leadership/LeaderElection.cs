using HaSystem.Coordination.Locking;
using HaSystem.ServiceDefaults.Replicas;
using Microsoft.Extensions.Options;

namespace HaSystem.Worker.Leadership;

/// <summary>
/// One worker replica leads at a time: the holder of the <c>leader:worker</c> lease. Followers try to take it every
/// renewal interval, and again the moment the leader's lease runs out: a leader that died is replaced as its lease
/// expires, not up to one interval later. The leader runs every <see cref="ILeaderJob"/> until its lease is lost (they
/// are cancelled at once, before anyone else can have taken over) or the worker stops (the lease is released for a
/// fast hand-over).
/// </summary>
public sealed partial class LeaderElection(
    RedisDistributedLock locks,
    IEnumerable<ILeaderJob> jobs,
    ReplicaIdentity replica,
    IOptions<LeaderElectionOptions> options,
    LeadershipTelemetry telemetry,
    TimeProvider time,
    ILogger<LeaderElection> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var request = new LockRequest(settings.LeaseKey, settings.LeaseDuration) { Holder = replica.Id, RenewInterval = settings.RenewInterval };
        var unavailable = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            LockLease? lease = null;
            var pause = settings.RenewInterval;
            try
            {
                var attempt = await locks.AttemptAsync(request, stoppingToken);
                lease = attempt.Lease;
                pause = attempt.RetryAfter(settings.RenewInterval);
                if (unavailable)
                {
                    LogRedisBack(logger);
                    unavailable = false;
                }
            }
            catch (LockUnavailableException ex)
            {
                if (!unavailable)
                {
                    LogRedisUnavailable(logger, ex.Message);
                    unavailable = true;
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }

            if (lease is not null)
            {
                await using (lease)
                {
                    await LeadAsync(lease, stoppingToken);
                }

                // No immediate retry: a leader refused as stale would otherwise spin on acquire, refuse, release.
            }

            try
            {
                await Task.Delay(pause, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task LeadAsync(LockLease lease, CancellationToken stoppingToken)
    {
        LogLeading(logger, replica.Id, lease.FencingToken);
        telemetry.Changes.Add(1, new KeyValuePair<string, object?>("change", "elected"));
        using var leading = CancellationTokenSource.CreateLinkedTokenSource(lease.LeaseLost, stoppingToken);
        await Task.WhenAll(jobs.Select(job => RunJobAsync(job, lease, leading)));
        telemetry.Changes.Add(1, new KeyValuePair<string, object?>("change", stoppingToken.IsCancellationRequested ? "stepped-down" : "lost"));
        LogNotLeading(logger, replica.Id, lease.FencingToken, stoppingToken.IsCancellationRequested ? "the worker is stopping" : "the lease was lost");
    }

    // A job that fails is restarted after a pause; a job that finds its fencing token stale ends the leadership.
    private async Task RunJobAsync(ILeaderJob job, LockLease lease, CancellationTokenSource leading)
    {
        while (!leading.IsCancellationRequested)
        {
            try
            {
                await job.RunAsync(lease, leading.Token);
                return;
            }
            catch (OperationCanceledException) when (leading.IsCancellationRequested)
            {
                return;
            }
            catch (LeaseLostException)
            {
                LogStale(logger, job.Name, lease.FencingToken);
                await leading.CancelAsync();
                return;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                LogJobFailed(logger, ex, job.Name);
            }

            try
            {
                await Task.Delay(options.Value.RenewInterval, time, leading.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Replica} leads now (fencing token {FencingToken}).")]
    private static partial void LogLeading(ILogger logger, string replica, long fencingToken);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Replica} no longer leads (fencing token {FencingToken}): {Reason}; its jobs stopped.")]
    private static partial void LogNotLeading(ILogger logger, string replica, long fencingToken, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Leader job {Job} was refused with fencing token {FencingToken}: a newer leader exists. Stepping down.")]
    private static partial void LogStale(ILogger logger, string job, long fencingToken);

    [LoggerMessage(Level = LogLevel.Error, Message = "Leader job {Job} failed; restarting it.")]
    private static partial void LogJobFailed(ILogger logger, Exception exception, string job);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The leader lease cannot be asked for ({Reason}); retrying every interval.")]
    private static partial void LogRedisUnavailable(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "The leader lease can be asked for again.")]
    private static partial void LogRedisBack(ILogger logger);
}
