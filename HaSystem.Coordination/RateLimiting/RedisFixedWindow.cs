using HaSystem.Coordination.Resilience;
using Polly;
using StackExchange.Redis;

namespace HaSystem.Coordination.RateLimiting;

/// <summary>
/// A fixed-window counter in Redis, so that every replica counts against one budget: the hit and the window's expiry
/// are one atomic step, so a window can neither be left without an expiry nor restarted by a late hit.
/// </summary>
public static class RedisFixedWindow
{
    // INCR, and PEXPIRE on the window's first hit; returns the count and the time left in the window.
    private static readonly LuaScript Script = LuaScript.Prepare(
        "local c = redis.call('INCR', @key) " +
        "if c == 1 then redis.call('PEXPIRE', @key, @window) end " +
        "return { c, redis.call('PTTL', @key) }");

    /// <summary>
    /// Counts one hit on <paramref name="key"/> through <paramref name="pipeline"/> (one attempt for a caller that falls
    /// back, see <see cref="RedisCaller.RateLimiter"/>), in a window of <paramref name="window"/> that starts at its first hit.
    /// </summary>
    public static async Task<FixedWindowCount> HitAsync(
        IDatabaseAsync database, RedisKey key, TimeSpan window, ResiliencePipeline pipeline, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentOutOfRangeException.ThrowIfLessThan(window, TimeSpan.FromMilliseconds(1));
        var result = (RedisResult[])(await pipeline.ExecuteCommandAsync(
            _ => database.ScriptEvaluateAsync(Script, new { key, window = (long)window.TotalMilliseconds }), cancellationToken).ConfigureAwait(false))!;
        return new FixedWindowCount((long)result[0], TimeSpan.FromMilliseconds(Math.Max(0, (long)result[1])));
    }
}
