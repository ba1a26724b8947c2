namespace HaSystem.Coordination.Locking;

/// <summary>
/// What to lock and for how long. <paramref name="Key"/> is the Redis key of the lock (<c>lock:order:acme:42</c>,
/// <c>leader:worker</c>); its Redis layout is <see cref="LockKeys"/>.
/// </summary>
/// <param name="Key">The lock's Redis key.</param>
/// <param name="TimeToLive">How long the lease lasts without a renewal.</param>
public sealed record LockRequest(string Key, TimeSpan TimeToLive)
{
    /// <summary>Who holds it, shown to operators (<c>/api/coordination/leader</c>, the dashboard); e.g. the replica id.</summary>
    public string Holder { get; init; } = Environment.MachineName;

    /// <summary>Renew in the background every <see cref="RenewInterval"/>; off for locks held only for a moment.</summary>
    public bool AutoRenew { get; init; } = true;

    /// <summary>Defaults to a third of <see cref="TimeToLive"/>: two renewals may fail before the lease is lost.</summary>
    public TimeSpan? RenewInterval { get; init; }

    /// <summary>
    /// How long the fencing counter outlives its last acquisition; <see langword="null"/> keeps it for ever. Only for
    /// one-off keys (an order's idempotency key) whose protected resource is never written again after it expires.
    /// </summary>
    public TimeSpan? FenceTimeToLive { get; init; }

    internal TimeSpan EffectiveRenewInterval => RenewInterval ?? TimeSpan.FromTicks(TimeToLive.Ticks / 3);

    internal void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(Key);
        ArgumentOutOfRangeException.ThrowIfLessThan(TimeToLive, TimeSpan.FromMilliseconds(100));
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(EffectiveRenewInterval, TimeToLive);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(EffectiveRenewInterval, TimeSpan.Zero);
    }
}
