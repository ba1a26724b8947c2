using StackExchange.Redis;

namespace HaSystem.Coordination.Locking;

/// <summary>
/// The Lua scripts behind a lock. Each runs atomically on the primary (and reaches the replicas as one block), so no
/// client can see a lock without its fencing token, or delete or extend a lock it does not own.
/// KEYS: <see cref="LockKeys.ScriptKeys"/>; the holder hash's fields are <see cref="LockHolder.Fields"/>.
/// </summary>
/// <remarks>
/// A fencing token is never lower than the primary's clock in microseconds. Replication is asynchronous, so a
/// failover can lose the counter's last increments with the old primary; the clock cannot go back that far (a
/// failover takes longer than a second, and nodes' clocks agree to far better than that), so a token handed out
/// before the failover is never handed out again after it.
/// </remarks>
internal static class LockScripts
{
    /// <summary>
    /// SET PX if the lock is free and, only then, the next fencing token in the same step. Returns <c>{token, 0}</c> when
    /// acquired, <c>{0, pttl}</c> when someone else holds it. Asking again with the same owner (an attempt whose answer
    /// was lost, tried again across a failover) returns the token it already holds instead of "busy".
    /// ARGV: 1 = owner token, 2 = ttl ms, 3 = holder description, 4 = fence ttl ms (0 = keep for ever).
    /// </summary>
    public const string Acquire = """
        local current = redis.call('GET', KEYS[1])
        if current == ARGV[1] then
          return { tonumber(redis.call('HGET', KEYS[3], 'token') or redis.call('GET', KEYS[2]) or '0'), 0 }
        end
        if current then
          return { 0, redis.call('PTTL', KEYS[1]) }
        end
        redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
        local now = redis.call('TIME')
        local clock = tonumber(now[1]) * 1000000 + tonumber(now[2])
        local token = redis.call('INCR', KEYS[2])
        if token < clock then
          token = clock
          redis.call('SET', KEYS[2], string.format('%d', token))
        end
        if ARGV[4] ~= '0' then redis.call('PEXPIRE', KEYS[2], ARGV[4]) end
        redis.call('HSET', KEYS[3], 'holder', ARGV[3], 'token', string.format('%d', token), 'since', math.floor(clock / 1000))
        redis.call('PEXPIRE', KEYS[3], ARGV[2])
        return { token, 0 }
        """;

    /// <summary>
    /// Compare-and-PEXPIRE: 1 when the caller still owns the lock and it was extended. When the lock is gone and nobody
    /// took it since (its fencing counter is not above the caller's token), a failover lost it with the old primary: it
    /// is taken back with the same token (2). Otherwise 0: someone else holds it, or held it after the caller.
    /// ARGV: 1 = owner, 2 = ttl ms, 3 = the caller's fencing token, 4 = holder description, 5 = fence ttl ms (0 = for ever).
    /// </summary>
    public const string Extend = """
        local current = redis.call('GET', KEYS[1])
        if current == ARGV[1] then
          redis.call('PEXPIRE', KEYS[1], ARGV[2])
          redis.call('PEXPIRE', KEYS[3], ARGV[2])
          return 1
        end
        if current == false and tonumber(redis.call('GET', KEYS[2]) or '0') <= tonumber(ARGV[3]) then
          redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
          redis.call('SET', KEYS[2], ARGV[3])
          if ARGV[5] ~= '0' then redis.call('PEXPIRE', KEYS[2], ARGV[5]) end
          local now = redis.call('TIME')
          redis.call('HSET', KEYS[3], 'holder', ARGV[4], 'token', ARGV[3], 'since', tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000))
          redis.call('PEXPIRE', KEYS[3], ARGV[2])
          return 2
        end
        return 0
        """;

    /// <summary>Compare-and-delete: 1 when the caller owned the lock and it was released, else 0. ARGV: 1 = owner.</summary>
    public const string Release = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then
          redis.call('DEL', KEYS[1], KEYS[3])
          return 1
        end
        return 0
        """;
}
