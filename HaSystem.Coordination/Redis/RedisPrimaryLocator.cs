using System.Net;
using StackExchange.Redis;

namespace HaSystem.Coordination.Redis;

/// <summary>Which endpoint a multiplexer connected through the Sentinels is writing to right now.</summary>
public static class RedisPrimaryLocator
{
    /// <summary>The connected primary, or <see langword="null"/> while there is none (outage, failover in progress).</summary>
    public static EndPoint? FindPrimary(IConnectionMultiplexer multiplexer)
    {
        ArgumentNullException.ThrowIfNull(multiplexer);
        return multiplexer.GetEndPoints()
            .Select(endpoint => multiplexer.GetServer(endpoint))
            .Where(server => server.IsConnected && !server.IsReplica)
            .Select(server => server.EndPoint)
            .FirstOrDefault();
    }
}
