namespace HaSystem.Coordination.Locking;

/// <summary>
/// What one attempt at a lock gave: the <see cref="Lease"/>, or (when someone else holds the lock) how long that
/// holder's lease has left. A contender that knows when the lease runs out can ask again at that moment instead of at
/// its next regular interval, which is what bounds a hand-over by the lease's time to live alone.
/// </summary>
/// <param name="Lease">The lease, when the lock was free; <see langword="null"/> when someone else holds it.</param>
/// <param name="HeldFor">
/// How long the current holder's lease has left unless it is renewed: zero when acquired, <see cref="TimeSpan.MaxValue"/>
/// when the lock key has no expiry.
/// </param>
public readonly record struct LockAttempt(LockLease? Lease, TimeSpan HeldFor)
{
    /// <summary>The shortest pause between two attempts, so that a lease about to expire does not make a contender spin.</summary>
    public static readonly TimeSpan MinimumPause = TimeSpan.FromMilliseconds(10);

    /// <summary>
    /// When to ask again: after <paramref name="interval"/>, or as soon as the holder's lease runs out if that comes
    /// first (a holder that renews never lets it get that low; one that died or froze does).
    /// </summary>
    public TimeSpan RetryAfter(TimeSpan interval) =>
        Lease is not null || HeldFor >= interval ? interval : TimeSpan.FromTicks(Math.Max(HeldFor.Ticks, MinimumPause.Ticks));
}
