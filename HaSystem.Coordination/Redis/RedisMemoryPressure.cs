using System.Globalization;
using StackExchange.Redis;

namespace HaSystem.Coordination.Redis;

/// <summary>
/// How full a <c>noeviction</c> primary is. Such a node refuses every write once it reaches <c>maxmemory</c>, so
/// its health turns Degraded well before, at <see cref="DegradedAt"/>, while there is time to act. An evicting role
/// (<c>allkeys-lru</c>) is meant to sit full and is never reported.
/// </summary>
public static class RedisMemoryPressure
{
    /// <summary>The share of <c>maxmemory</c> in use above which a <c>noeviction</c> primary reports Degraded.</summary>
    public const double DegradedAt = 0.8;

    /// <summary>The share of <c>maxmemory</c> in use (null without a limit or with eviction), and the problem to report, if any.</summary>
    /// <remarks>
    /// <c>INFO</c> runs inside a script: StackExchange.Redis refuses <c>INFO</c> itself unless the connection is in
    /// admin mode, which would also let it send <c>FLUSHALL</c> and <c>CONFIG</c>, and the services have no business with those.
    /// </remarks>
    public static async Task<(double? Used, string? Problem)> ReadAsync(IDatabase primary, CancellationToken cancellationToken)
    {
        var text = (string?)await primary.ScriptEvaluateAsync("return redis.call('INFO', 'memory')").WaitAsync(cancellationToken).ConfigureAwait(false) ?? "";
        var info = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split(':', 2))
            .Where(pair => pair.Length == 2)
            .ToDictionary(pair => pair[0], pair => pair[1], StringComparer.Ordinal);
        if (!info.TryGetValue("maxmemory_policy", out var policy) || policy != "noeviction"
            || !long.TryParse(info.GetValueOrDefault("maxmemory"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var max) || max <= 0
            || !long.TryParse(info.GetValueOrDefault("used_memory"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var used))
        {
            return (null, null);
        }

        var share = (double)used / max;
        return (share, share >= DegradedAt
            ? string.Create(CultureInfo.InvariantCulture, $"the primary uses {share:P0} of its maxmemory, and refuses writes when full (noeviction)")
            : null);
    }
}
