namespace HaSystem.Coordination.Locking;

/// <summary>
/// The lock could not be asked for: the <c>state</c> role is unreachable (or its breaker is open), or the acquisition
/// did not reach a replica in time. The caller does not hold the lock and should answer "retry later" (503).
/// </summary>
public sealed class LockUnavailableException(string key, string reason, Exception? inner = null)
    : Exception($"The lock '{key}' is unavailable: {reason}.", inner)
{
    /// <summary>The lock's key.</summary>
    public string Key { get; } = key;
}

/// <summary>Someone else held the lock for the whole wait. The caller does not hold it.</summary>
public sealed class LockTimeoutException(string key, TimeSpan waited)
    : Exception($"The lock '{key}' was held by someone else for the whole wait of {waited.TotalMilliseconds:0} ms.")
{
    /// <summary>The lock's key.</summary>
    public string Key { get; } = key;
}

/// <summary>The holder's lease ended (expired, taken over, or not renewable in time) before its work was done.</summary>
public sealed class LeaseLostException(string key, long fencingToken)
    : Exception($"The lease on '{key}' (fencing token {fencingToken}) was lost; the work must stop.")
{
    /// <summary>The lock's key.</summary>
    public string Key { get; } = key;

    /// <summary>The fencing token the lease held when it was lost.</summary>
    public long FencingToken { get; } = fencingToken;
}
