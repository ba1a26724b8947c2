namespace HaSystem.ServiceDefaults.Locking;

/// <summary>Who holds a lock now: the holder's description, its fencing token, since when, and how long the lease has left.</summary>
public sealed record LockHolder(string Key, string Holder, long FencingToken, DateTimeOffset Since, TimeSpan ExpiresIn);
