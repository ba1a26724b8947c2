using System.Security.Cryptography;
using HaSystem.Coordination.Resilience;
using HaSystem.Coordination.Telemetry;
using Microsoft.Extensions.Logging;
using Polly;
using StackExchange.Redis;

namespace HaSystem.Coordination.Locking;

/// <summary>
/// Locks with fencing tokens on the <c>state</c> role. An acquire is one Lua step (SET NX PX plus the next fencing
/// token), sent to the primary only. Acquires and renewals go through the <see cref="RedisCaller.Locks"/> pipeline,
/// which rides through a failover: a call that meets one waits for the new primary, within the request deadline.
/// When no primary will answer in time an acquire throws <see cref="LockUnavailableException"/>; it never reports a
/// lock it does not hold. Releases bypass every breaker and retry: a lock must not stay held by nobody.
/// </summary>
/// <remarks>
/// A failover can lose an acquisition that had not reached a replica yet, and a second caller may then acquire the
/// same key: the lock alone never guarantees exclusion. What does is the fencing token, which only grows (see
/// <see cref="LockScripts"/>), checked by the protected resource.
/// </remarks>
public sealed partial class RedisDistributedLock(
    IConnectionMultiplexer state,
    ResiliencePipeline pipeline,
    TimeSpan attemptTimeout,
    DistributedLockOptions options,
    RedisTelemetry telemetry,
    TimeProvider time,
    ILogger<RedisDistributedLock> logger)
{
    private const CommandFlags OnPrimary = CommandFlags.DemandMaster;

    internal DistributedLockOptions Options => options;

    internal TimeProvider Time => time;

    internal ILogger Logger => logger;

    internal RedisTelemetry Telemetry => telemetry;

    /// <summary>
    /// One attempt, riding through a failover: the lease when the lock was free, <see langword="null"/> when someone else
    /// holds it; <see cref="LockUnavailableException"/> when no primary answered within the deadline.
    /// </summary>
    public async Task<LockLease?> TryAcquireAsync(LockRequest request, CancellationToken cancellationToken = default) =>
        (await AttemptAsync(request, cancellationToken)).Lease;

    /// <summary>
    /// One attempt, as <see cref="TryAcquireAsync"/>, that also tells how long the current holder's lease has left when
    /// the lock is taken, so that a contender can ask again the moment it runs out (<see cref="LockAttempt.RetryAfter"/>).
    /// </summary>
    public async Task<LockAttempt> AttemptAsync(LockRequest request, CancellationToken cancellationToken = default)
    {
        request.Validate();
        using var activity = RedisTelemetry.ActivitySource.StartActivity("lock.acquire");
        activity?.SetTag("hasystem.lock.key", request.Key);
        var owner = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var sentAt = time.GetTimestamp();
        long attemptSentAt = sentAt;
        RedisResult[] result;
        try
        {
            result = (RedisResult[])(await pipeline.ExecuteCommandAsync(_ =>
            {
                // The lease is valid from the attempt that took it, not from the first one.
                attemptSentAt = time.GetTimestamp();
                return state.GetDatabase().ScriptEvaluateAsync(LockScripts.Acquire, LockKeys.For(request.Key).ScriptKeys,
                [
                    owner,
                    (long)request.TimeToLive.TotalMilliseconds,
                    request.Holder,
                    (long)(request.FenceTimeToLive?.TotalMilliseconds ?? 0),
                ], OnPrimary);
            }, cancellationToken))!;
        }
        catch (Exception ex) when (RedisResilience.IsRedisFailure(ex) || ex is OperationCanceledException)
        {
            // An abandoned attempt may still have run (answered after its timeout): undo it if it did, so the lock is
            // not left held by nobody until it expires.
            Release(request.Key, owner, request.TimeToLive);
            if (ex is OperationCanceledException)
            {
                throw;
            }

            Count("unavailable");
            throw new LockUnavailableException(request.Key, $"Redis 'state' has no primary that answers ({ex.GetType().Name})", ex);
        }

        var token = (long)result[0];
        if (token == 0)
        {
            Count("busy");
            activity?.SetTag("hasystem.lock.outcome", "busy");
            // PTTL is -1 for a lock key without an expiry (written by hand, or persisted): held until someone deletes
            // it, so the contender keeps to its interval instead of asking again every MinimumPause.
            var pttl = (long)result[1];
            return new LockAttempt(null, pttl < 0 ? TimeSpan.MaxValue : TimeSpan.FromMilliseconds(pttl));
        }

        Count("acquired");
        activity?.SetTag("hasystem.lock.outcome", "acquired");
        activity?.SetTag("hasystem.lock.fencing_token", token);
        telemetry.LockWait.Record(time.GetElapsedTime(sentAt).TotalMilliseconds);
        return new LockAttempt(new LockLease(this, request, owner, token, attemptSentAt), TimeSpan.Zero);
    }

    /// <summary>
    /// Tries until <paramref name="wait"/> has passed, pausing a random <see cref="DistributedLockOptions.RetryDelayMin"/>–
    /// <see cref="DistributedLockOptions.RetryDelayMax"/> between attempts. One budget covers both ways of waiting: for
    /// the holder to let go, and for a primary to answer. Throws <see cref="LockTimeoutException"/> when the lock stayed
    /// taken, and <see cref="LockUnavailableException"/> when no primary answered in time or none can.
    /// </summary>
    public async Task<LockLease> AcquireAsync(LockRequest request, TimeSpan wait, CancellationToken cancellationToken = default)
    {
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        budget.CancelAfter(wait);
        while (true)
        {
            LockLease? lease;
            try
            {
                lease = await TryAcquireAsync(request, budget.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                Count("unavailable");
                throw new LockUnavailableException(request.Key, $"no primary answered within {wait.TotalMilliseconds:0} ms");
            }

            if (lease is not null)
            {
                return lease;
            }

            var pause = TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * (options.RetryDelayMax - options.RetryDelayMin).TotalMilliseconds) + options.RetryDelayMin;
            try
            {
                await Task.Delay(pause, time, budget.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                Count("timeout");
                throw new LockTimeoutException(request.Key, wait);
            }
        }
    }

    /// <summary>
    /// Who holds <paramref name="key"/> now, or <see langword="null"/> when nobody does. One attempt (it reports, it does
    /// not wait for a failover): a Redis failure reaches the caller.
    /// </summary>
    public async Task<LockHolder?> GetHolderAsync(string key, CancellationToken cancellationToken = default)
    {
        var keys = LockKeys.For(key);
        var batch = state.GetDatabase().CreateBatch();
        // From the primary only, as the lock scripts run: a replica's copy may lag a hand-over, and the API decides writes on it.
        var hash = batch.HashGetAllAsync(keys.Holder, CommandFlags.DemandMaster);
        var pttl = batch.KeyTimeToLiveAsync(keys.Lock, CommandFlags.DemandMaster);
        batch.Execute();
        var fields = await hash.WaitAsync(attemptTimeout, cancellationToken);
        var ttl = await pttl.WaitAsync(attemptTimeout, cancellationToken);
        return ttl is { } expiresIn ? LockHolder.FromHash(key, fields, expiresIn) : null;
    }

    /// <summary>Renews the lease: <see langword="true"/> while the caller holds it (or took it back after a failover lost it).</summary>
    internal async Task<bool> ExtendAsync(LockRequest request, string owner, long fencingToken, CancellationToken cancellationToken)
    {
        var outcome = (long)(await pipeline.ExecuteCommandAsync(_ => state.GetDatabase().ScriptEvaluateAsync(LockScripts.Extend, LockKeys.For(request.Key).ScriptKeys,
        [
            owner,
            (long)request.TimeToLive.TotalMilliseconds,
            fencingToken,
            request.Holder,
            (long)(request.FenceTimeToLive?.TotalMilliseconds ?? 0),
        ], OnPrimary), cancellationToken));
        if (outcome == 2)
        {
            LogTakenBack(logger, request.Key, fencingToken);
        }

        return outcome > 0;
    }

    /// <summary>
    /// Gives the lock up if the caller still owns it (compare-and-delete). Never through a breaker: an open breaker
    /// would leave the lock held by nobody for its whole time to live. One attempt in line; when it fails, it goes on
    /// in the background until it succeeds or the lease would have expired anyway.
    /// </summary>
    internal void Release(string key, string owner, TimeSpan timeToLive)
    {
        var started = time.GetTimestamp();
        _ = Task.Run(async () =>
        {
            var delay = TimeSpan.FromMilliseconds(100);
            while (time.GetElapsedTime(started) < timeToLive)
            {
                try
                {
                    await state.GetDatabase().ScriptEvaluateAsync(LockScripts.Release, LockKeys.For(key).ScriptKeys, [owner], OnPrimary).WaitAsync(attemptTimeout);
                    return;
                }
                catch (Exception ex) when (RedisResilience.IsRedisFailure(ex))
                {
                    LogReleaseFailed(logger, ex, key);
                    await Task.Delay(delay, time);
                    delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(1).Ticks));
                }
            }
        });
    }

    /// <summary>Releases and waits for the first attempt (a lease's dispose): a quick release lets the next holder in at once.</summary>
    internal async Task ReleaseAsync(string key, string owner, TimeSpan timeToLive)
    {
        try
        {
            await state.GetDatabase().ScriptEvaluateAsync(LockScripts.Release, LockKeys.For(key).ScriptKeys, [owner], OnPrimary).WaitAsync(attemptTimeout);
        }
        catch (Exception ex) when (RedisResilience.IsRedisFailure(ex))
        {
            LogReleaseFailed(logger, ex, key);
            Release(key, owner, timeToLive);
        }
    }

    private void Count(string outcome) => telemetry.LockAcquisitions.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    [LoggerMessage(Level = LogLevel.Debug, Message = "Releasing lock {Key} failed; trying again until it would have expired.")]
    private static partial void LogReleaseFailed(ILogger logger, Exception exception, string key);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lock {Key} (fencing token {FencingToken}) was gone after a failover and nobody had taken it since: taken back.")]
    private static partial void LogTakenBack(ILogger logger, string key, long fencingToken);
}
