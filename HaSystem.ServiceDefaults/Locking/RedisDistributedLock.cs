using System.Globalization;
using System.Security.Cryptography;
using HaSystem.ServiceDefaults.Resilience;
using HaSystem.ServiceDefaults.Telemetry;
using Microsoft.Extensions.Logging;
using Polly;
using StackExchange.Redis;

namespace HaSystem.ServiceDefaults.Locking;

/// <summary>
/// Locks with fencing tokens on the <c>state</c> role. An acquire is one Lua step (SET NX PX plus INCR of the
/// key's fencing counter), then a <c>WAIT</c> for a replica. Every Redis call goes through the role's breaker
/// pipeline; when Redis cannot be reached an acquire throws <see cref="LockUnavailableException"/> and never reports a
/// lock it does not hold.
/// </summary>
public sealed partial class RedisDistributedLock(
    IConnectionMultiplexer state,
    ResiliencePipeline pipeline,
    DistributedLockOptions options,
    RedisTelemetry telemetry,
    TimeProvider time,
    ILogger<RedisDistributedLock> logger)
{
    internal DistributedLockOptions Options => options;

    internal TimeProvider Time => time;

    internal ILogger Logger => logger;

    internal RedisTelemetry Telemetry => telemetry;

    /// <summary>One attempt: the lease when the lock was free, <see langword="null"/> when someone else holds it.</summary>
    public async Task<LockLease?> TryAcquireAsync(LockRequest request, CancellationToken cancellationToken = default)
    {
        request.Validate();
        using var activity = RedisTelemetry.ActivitySource.StartActivity("lock.acquire");
        activity?.SetTag("hasystem.lock.key", request.Key);
        var owner = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var sentAt = time.GetTimestamp();
        RedisResult[] result;
        try
        {
            result = (RedisResult[])(await RunAsync(db => db.ScriptEvaluateAsync(LockScripts.Acquire, LockScripts.KeysOf(request.Key),
            [
                owner,
                (long)request.TimeToLive.TotalMilliseconds,
                request.Holder,
                (long)(request.FenceTimeToLive?.TotalMilliseconds ?? 0),
            ]), cancellationToken))!;
        }
        catch (Exception ex) when (RedisResilience.IsRedisFailure(ex) || ex is OperationCanceledException)
        {
            // The script may still run (queued for a reconnect, or answered after the timeout): undo it if it did,
            // so the lock is not left held by nobody until it expires. The release queues behind the script.
            _ = ReleaseQuietlyAsync(request.Key, owner);
            if (ex is OperationCanceledException)
            {
                throw;
            }

            Count("unavailable");
            throw new LockUnavailableException(request.Key, $"Redis 'state' is unreachable ({ex.GetType().Name})", ex);
        }

        var token = (long)result[0];
        if (token == 0)
        {
            Count("busy");
            activity?.SetTag("hasystem.lock.outcome", "busy");
            return null;
        }

        await WaitForReplicasAsync(request.Key, owner, cancellationToken);
        Count("acquired");
        activity?.SetTag("hasystem.lock.outcome", "acquired");
        activity?.SetTag("hasystem.lock.fencing_token", token);
        telemetry.LockWait.Record(time.GetElapsedTime(sentAt).TotalMilliseconds);
        return new LockLease(this, request, owner, token, sentAt);
    }

    /// <summary>
    /// Tries until <paramref name="wait"/> has passed, pausing a random <see cref="DistributedLockOptions.RetryDelayMin"/>–
    /// <see cref="DistributedLockOptions.RetryDelayMax"/> between attempts. Throws <see cref="LockTimeoutException"/> when
    /// the lock stayed taken, and <see cref="LockUnavailableException"/> at once when Redis cannot be reached.
    /// </summary>
    public async Task<LockLease> AcquireAsync(LockRequest request, TimeSpan wait, CancellationToken cancellationToken = default)
    {
        var started = time.GetTimestamp();
        while (true)
        {
            if (await TryAcquireAsync(request, cancellationToken) is { } lease)
            {
                return lease;
            }

            var left = wait - time.GetElapsedTime(started);
            if (left <= TimeSpan.Zero)
            {
                Count("timeout");
                throw new LockTimeoutException(request.Key, wait);
            }

            var pause = TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * (options.RetryDelayMax - options.RetryDelayMin).TotalMilliseconds) + options.RetryDelayMin;
            await Task.Delay(pause < left ? pause : left, time, cancellationToken);
        }
    }

    /// <summary>Who holds <paramref name="key"/> now, or <see langword="null"/> when nobody does.</summary>
    public async Task<LockHolder?> GetHolderAsync(string key, CancellationToken cancellationToken = default)
    {
        var keys = LockScripts.KeysOf(key);
        var (fields, ttl) = await RunAsync(async db =>
        {
            var batch = db.CreateBatch();
            var hash = batch.HashGetAllAsync(keys[2]);
            var pttl = batch.KeyTimeToLiveAsync(keys[0]);
            batch.Execute();
            return (await hash, await pttl);
        }, cancellationToken);
        var values = fields.ToDictionary(f => f.Name.ToString(), f => f.Value.ToString());
        if (ttl is null || !values.TryGetValue("holder", out var holder)
            || !long.TryParse(values.GetValueOrDefault("token"), CultureInfo.InvariantCulture, out var token)
            || !long.TryParse(values.GetValueOrDefault("since"), CultureInfo.InvariantCulture, out var since))
        {
            return null;
        }

        return new LockHolder(key, holder, token, DateTimeOffset.FromUnixTimeMilliseconds(since), ttl.Value);
    }

    internal async Task<bool> ExtendAsync(LockRequest request, string owner, CancellationToken cancellationToken) =>
        (long)(await RunAsync(db => db.ScriptEvaluateAsync(LockScripts.Extend, LockScripts.KeysOf(request.Key),
            [owner, (long)request.TimeToLive.TotalMilliseconds]), cancellationToken)) == 1;

    internal async Task<bool> ReleaseAsync(string key, string owner, CancellationToken cancellationToken) =>
        (long)(await RunAsync(db => db.ScriptEvaluateAsync(LockScripts.Release, LockScripts.KeysOf(key), [owner]), cancellationToken)) == 1;

    // A fencing token only a primary has seen could be handed out again after a failover; a replica must have it first.
    private async Task WaitForReplicasAsync(string key, string owner, CancellationToken cancellationToken)
    {
        if (options.ReplicaAcknowledgements == 0)
        {
            return;
        }

        long acknowledged;
        Exception? failure = null;
        try
        {
            acknowledged = (long)await RunAsync(db => db.ExecuteAsync("WAIT", options.ReplicaAcknowledgements, (long)options.ReplicationTimeout.TotalMilliseconds), cancellationToken);
        }
        catch (Exception ex) when (RedisResilience.IsRedisFailure(ex) || ex is OperationCanceledException)
        {
            if (ex is OperationCanceledException)
            {
                await ReleaseQuietlyAsync(key, owner);
                throw;
            }

            acknowledged = -1;
            failure = ex;
        }

        if (acknowledged < options.ReplicaAcknowledgements)
        {
            await ReleaseQuietlyAsync(key, owner);
            Count("unavailable");
            throw new LockUnavailableException(key, failure is null
                ? $"the acquisition reached {acknowledged} of {options.ReplicaAcknowledgements} replicas in time"
                : $"waiting for a replica failed ({failure.GetType().Name})", failure);
        }
    }

    internal async Task ReleaseQuietlyAsync(string key, string owner)
    {
        try
        {
            await ReleaseAsync(key, owner, CancellationToken.None);
        }
        catch (Exception ex) when (RedisResilience.IsRedisFailure(ex))
        {
            // The lease expires on its own; nobody else can have been told they hold it meanwhile.
            LogReleaseFailed(logger, key, ex.GetType().Name);
        }
    }

    private Task<T> RunAsync<T>(Func<IDatabase, Task<T>> command, CancellationToken cancellationToken) =>
        pipeline.ExecuteAsync(async ct => await command(state.GetDatabase()).WaitAsync(ct), cancellationToken).AsTask();

    private void Count(string outcome) => telemetry.LockAcquisitions.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    [LoggerMessage(Level = LogLevel.Warning, Message = "Releasing lock {Key} failed ({Error}); it expires on its own.")]
    private static partial void LogReleaseFailed(ILogger logger, string key, string error);
}
