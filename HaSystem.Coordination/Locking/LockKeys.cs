using StackExchange.Redis;

namespace HaSystem.Coordination.Locking;

/// <summary>
/// The Redis layout of one lock, a contract between processes: the lock scripts (<see cref="LockScripts"/>) write it,
/// and whoever reports on a lock (the AppHost's lease monitor, the services' status views) reads it.
/// </summary>
/// <param name="Lock">The lock's own key: a random owner token, with the lease's time to live.</param>
public sealed record LockKeys(string Lock)
{
    /// <summary>The lock's fencing counter: the last token handed out. It only grows, and outlives the lock.</summary>
    public string Fence => $"{Lock}:fence";

    /// <summary>A hash describing the current holder (<see cref="LockHolder.Fields"/>), expiring with the lock.</summary>
    public string Holder => $"{Lock}:holder";

    /// <summary>The layout of the lock at <paramref name="key"/>.</summary>
    public static LockKeys For(string key)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        return new LockKeys(key);
    }

    /// <summary>KEYS of every lock script: 1 = the lock, 2 = its fencing counter, 3 = its holder description.</summary>
    internal RedisKey[] ScriptKeys => [Lock, Fence, Holder];
}
