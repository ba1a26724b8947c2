using System.ComponentModel.DataAnnotations;

namespace HaSystem.Coordination.Redis;

/// <summary>
/// How a service's Redis connections behave during outages, bound from <c>Redis:Connection</c>. The defaults keep
/// every call well under StackExchange.Redis's 5 s defaults so that a Redis outage never stalls a request for long.
/// </summary>
public sealed class RedisConnectionOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "Redis:Connection";

    /// <summary>Budget of one connection attempt.</summary>
    [Range(100, 30_000)]
    public int ConnectTimeoutMilliseconds { get; set; } = 2000;

    /// <summary>Budget of a synchronous command.</summary>
    [Range(50, 30_000)]
    public int SyncTimeoutMilliseconds { get; set; } = 1000;

    /// <summary>Budget of an asynchronous command, including its time in the backlog while reconnecting.</summary>
    [Range(50, 30_000)]
    public int AsyncTimeoutMilliseconds { get; set; } = 1000;

    /// <summary>First reconnect delay; each further attempt waits exponentially longer, up to the maximum.</summary>
    [Range(10, 60_000)]
    public int ReconnectBaseDelayMilliseconds { get; set; } = 250;

    /// <summary>Upper bound of the exponential reconnect back-off.</summary>
    [Range(100, 300_000)]
    public int ReconnectMaxDelayMilliseconds { get; set; } = 5000;

    /// <summary>How often the client checks each connection (and its Sentinel-reported primary).</summary>
    [Range(100, 60_000)]
    public int HeartbeatIntervalMilliseconds { get; set; } = 1000;

    /// <summary>Seconds between keep-alive pings on idle connections.</summary>
    [Range(1, 600)]
    public int KeepAliveSeconds { get; set; } = 5;
}
