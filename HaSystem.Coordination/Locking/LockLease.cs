using System.Security.Cryptography;
using HaSystem.Coordination.Resilience;
using Microsoft.Extensions.Logging;

namespace HaSystem.Coordination.Locking;

/// <summary>
/// A held lock. It renews itself in the background; <see cref="LeaseLost"/> fires as soon as the lease is lost (taken
/// over, or not renewed in time). The holder counts the lease as lost a safety margin before Redis lets the key
/// expire, so it has stopped before anyone else can acquire. Protected writes carry <see cref="FencingToken"/>.
/// </summary>
public sealed partial class LockLease : IAsyncDisposable
{
    private readonly RedisDistributedLock _lock;
    private readonly LockRequest _request;
    private readonly CancellationTokenSource _lost;
    private readonly CancellationToken _leaseLost;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _renewal;
    private int _released;
    private string _reason = "not renewed in time";

    internal LockLease(RedisDistributedLock owner, LockRequest request, string ownerToken, long fencingToken, long sentAt)
    {
        _lock = owner;
        _request = request;
        OwnerToken = ownerToken;
        FencingToken = fencingToken;
        LeaseId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        AcquiredAt = owner.Time.GetUtcNow();
        _lost = new CancellationTokenSource(Timeout.InfiniteTimeSpan, owner.Time);
        _leaseLost = _lost.Token; // kept: a token stays readable after its source is disposed, the source's Token does not
        _leaseLost.Register(OnLost);
        ValidFrom(sentAt);
        _renewal = request.AutoRenew ? Task.Run(RenewAsync) : Task.CompletedTask;
    }

    /// <summary>The lock's key.</summary>
    public string Key => _request.Key;

    /// <summary>Who holds it (<see cref="LockRequest.Holder"/>), shown to operators.</summary>
    public string Holder => _request.Holder;

    /// <summary>
    /// This lease and no other: the holder and a random id. A fence that accepts an equal token only from the same
    /// lease tells apart two leases that somehow carried the same token.
    /// </summary>
    public string LeaseId { get; }

    /// <summary><see cref="Holder"/> and <see cref="LeaseId"/>, as a protected resource records who wrote under a token.</summary>
    public string FenceHolder => $"{Holder}/{LeaseId}";

    /// <summary>The random value only this holder knows; release and extend compare it.</summary>
    public string OwnerToken { get; }

    /// <summary>Grows with every acquisition of <see cref="Key"/>, across failovers: a protected resource rejects a lower one.</summary>
    public long FencingToken { get; }

    /// <summary>When the lease was acquired, by this process's clock.</summary>
    public DateTimeOffset AcquiredAt { get; }

    /// <summary>Fires when the lease is lost or released: the holder must stop the protected work.</summary>
    public CancellationToken LeaseLost => _leaseLost;

    /// <summary>Whether the lease is still held: renewed in time, neither released nor lost.</summary>
    public bool IsHeld => !_leaseLost.IsCancellationRequested;

    /// <summary>Throws <see cref="LeaseLostException"/> when the lease is no longer held; call before each protected write.</summary>
    public void ThrowIfLost()
    {
        if (!IsHeld)
        {
            throw new LeaseLostException(Key, FencingToken);
        }
    }

    /// <summary>Extends the lease by its time to live now; <see langword="false"/> (and <see cref="LeaseLost"/> fired) when it was no longer ours.</summary>
    public async Task<bool> ExtendAsync(CancellationToken cancellationToken = default)
    {
        var sentAt = _lock.Time.GetTimestamp();
        using var valid = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _leaseLost);
        try
        {
            if (IsHeld && await _lock.ExtendAsync(_request, OwnerToken, FencingToken, valid.Token))
            {
                ValidFrom(sentAt);
                return true;
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }

        Lose("taken over or expired");
        return false;
    }

    /// <summary>Gives the lock up (compare-and-delete: only if still ours) and stops renewing.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _released, 1) == 1)
        {
            return;
        }

        await _stop.CancelAsync();
        await _renewal;
        var stillHeld = IsHeld;
        await _lost.CancelAsync();
        if (stillHeld)
        {
            await _lock.ReleaseAsync(Key, OwnerToken, _request.TimeToLive);
        }

        _lost.Dispose();
        _stop.Dispose();
    }

    // Redis starts the key's clock when the command arrives, which is after it was sent: counting from the send keeps
    // the local deadline before the real one.
    private void ValidFrom(long sentAt)
    {
        var left = _request.TimeToLive * (1 - _lock.Options.SafetyMargin) - _lock.Time.GetElapsedTime(sentAt);
        if (left <= TimeSpan.Zero)
        {
            Lose("not renewed in time");
            return;
        }

        try
        {
            _lost.CancelAfter(left);
        }
        catch (ObjectDisposedException)
        {
            // Released meanwhile.
        }
    }

    // A renewal that meets a failover waits for the new primary (the locks pipeline rides through), but never past the
    // lease's own deadline: once that fires the lease is lost whatever Redis answers later.
    private async Task RenewAsync()
    {
        var interval = _request.EffectiveRenewInterval;
        var delay = interval;
        using var renewing = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token, _leaseLost);
        while (IsHeld && !_stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(delay, _lock.Time, renewing.Token);
                var sentAt = _lock.Time.GetTimestamp();
                if (!await _lock.ExtendAsync(_request, OwnerToken, FencingToken, renewing.Token))
                {
                    Lose("taken over or expired");
                    return;
                }

                ValidFrom(sentAt);
                delay = interval;
            }
            catch (OperationCanceledException) when (renewing.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (RedisResilience.IsRedisFailure(ex))
            {
                // Keep trying, faster, until the deadline set by the last successful renewal fires LeaseLost.
                LogRenewalFailed(_lock.Logger, ex, Key);
                delay = TimeSpan.FromTicks(Math.Max(TimeSpan.FromMilliseconds(50).Ticks, interval.Ticks / 4));
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // Anything else means renewals have stopped: the holder must know now, not at the deadline.
                Lose($"renewal failed ({ex.GetType().Name})");
                return;
            }
        }
    }

    private void Lose(string reason)
    {
        _reason = reason;
        try
        {
            _lost.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Released meanwhile.
        }
    }

    private void OnLost()
    {
        if (Volatile.Read(ref _released) == 1)
        {
            return;
        }

        _lock.Telemetry.LeasesLost.Add(1);
        LogLost(_lock.Logger, Key, FencingToken, _reason);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lease on {Key} (fencing token {FencingToken}) lost: {Reason}. The holder stops its work.")]
    private static partial void LogLost(ILogger logger, string key, long fencingToken, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Renewing the lease on {Key} failed; retrying.")]
    private static partial void LogRenewalFailed(ILogger logger, Exception exception, string key);
}
