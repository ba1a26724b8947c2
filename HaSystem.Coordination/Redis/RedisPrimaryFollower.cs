using System.Net;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace HaSystem.Coordination.Redis;

/// <summary>
/// Makes a role's client follow the primary its Sentinels name when the client lags behind them. The client follows a
/// failover by itself (the Sentinels' <c>+switch-master</c>, a lost connection); but in CI one web replica's client
/// kept writing nowhere for 7 s after a promotion the API replicas had followed in 0.1 s, until the next failover
/// shook it, and four cart writes failed. While calls that ride through a failover fail, each retry asks this whether
/// the client's primary is the one the Sentinels name; if not, it has the client look at its nodes again (at most
/// once per <see cref="MinInterval"/>).
/// </summary>
public sealed partial class RedisPrimaryFollower(string role, IConnectionMultiplexer multiplexer, RedisSentinelWatch sentinels, TimeProvider time, ILogger<RedisPrimaryFollower> logger)
{
    /// <summary>How often a lagging client is told to look again; a reconfiguration itself takes a round trip to each node.</summary>
    public static readonly TimeSpan MinInterval = TimeSpan.FromSeconds(1);

    private long _lastNudge = long.MinValue;

    /// <summary>Whether the client's primary differs from the one the Sentinels name (up, not being failed over).</summary>
    public static bool IsBehind(RedisSentinelView view, EndPoint? clientPrimary) =>
        view is { IsKnown: true, PrimaryDown: false, FailoverInProgress: false, Primary: { } named } && Describe(clientPrimary) != named;

    /// <summary>Called on each retry of a call that rides through a failover.</summary>
    public void FollowIfBehind()
    {
        var clientPrimary = RedisPrimaryLocator.FindPrimary(multiplexer);
        var view = sentinels.Current;
        if (!IsBehind(view, clientPrimary) || multiplexer is not ConnectionMultiplexer client)
        {
            return;
        }

        var now = time.GetTimestamp();
        var last = Interlocked.Read(ref _lastNudge);
        if (last != long.MinValue && time.GetElapsedTime(last, now) < MinInterval || Interlocked.CompareExchange(ref _lastNudge, now, last) != last)
        {
            return;
        }

        LogBehind(logger, role, Describe(clientPrimary) ?? "none", view.Primary!);
        _ = client.ReconfigureAsync($"the Sentinels name {view.Primary} as primary").ContinueWith(
            t => LogFailed(logger, role, t.Exception?.GetBaseException().GetType().Name ?? "?"), CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
    }

    /// <summary>An endpoint as the Sentinels write it: <c>ip:port</c>.</summary>
    public static string? Describe(EndPoint? endpoint) => endpoint switch
    {
        IPEndPoint ip => $"{ip.Address}:{ip.Port}",
        DnsEndPoint dns => $"{dns.Host}:{dns.Port}",
        null => null,
        _ => endpoint.ToString(),
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis '{Role}': the client writes to {ClientPrimary} but the Sentinels name {Primary}: looking at the nodes again.")]
    private static partial void LogBehind(ILogger logger, string role, string clientPrimary, string primary);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis '{Role}': looking at the nodes again failed ({Error}).")]
    private static partial void LogFailed(ILogger logger, string role, string error);
}
