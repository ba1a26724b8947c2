using StackExchange.Redis;

namespace HaSystem.ServiceDefaults.Locking;

/// <summary>
/// The three Lua scripts behind a lock. Each runs atomically on the primary, so no other client can see a lock
/// without its fencing token, or delete or extend a lock it does not own.
/// KEYS: 1 = the lock, 2 = its fencing counter, 3 = its holder description.
/// </summary>
internal static class LockScripts
{
    /// <summary>
    /// SET NX PX and, only if that succeeded, INCR of the fencing counter in the same step. Returns
    /// <c>{token, 0}</c> when acquired, <c>{0, pttl}</c> when someone else holds it.
    /// ARGV: 1 = owner token, 2 = ttl ms, 3 = holder description, 4 = fence ttl ms (0 = keep for ever).
    /// </summary>
    public const string Acquire = """
        if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
          local token = redis.call('INCR', KEYS[2])
          if ARGV[4] ~= '0' then redis.call('PEXPIRE', KEYS[2], ARGV[4]) end
          local now = redis.call('TIME')
          redis.call('HSET', KEYS[3], 'holder', ARGV[3], 'token', token, 'since', now[1] * 1000 + math.floor(now[2] / 1000))
          redis.call('PEXPIRE', KEYS[3], ARGV[2])
          return { token, 0 }
        end
        return { 0, redis.call('PTTL', KEYS[1]) }
        """;

    /// <summary>Compare-and-PEXPIRE: 1 when the caller still owns the lock and it was extended, else 0. ARGV: 1 = owner, 2 = ttl ms.</summary>
    public const string Extend = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then
          redis.call('PEXPIRE', KEYS[1], ARGV[2])
          redis.call('PEXPIRE', KEYS[3], ARGV[2])
          return 1
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

    public static RedisKey[] KeysOf(string key) => [key, $"{key}:fence", $"{key}:holder"];
}
