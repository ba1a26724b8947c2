using HaSystem.Coordination.Redis;
using HaSystem.ServiceDefaults.Replicas;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace HaSystem.Worker.Heartbeat;

/// <summary>
/// Writes <c>heartbeat:worker:{replica}</c> with a TTL to the <c>state</c> role every interval. A failed write is
/// logged once per outage (not once per second) and the loop goes on: the worker never stops over Redis.
/// </summary>
public sealed partial class HeartbeatWriter(
    [FromKeyedServices(RedisRoles.State)] IConnectionMultiplexer state,
    ReplicaIdentity replica,
    IOptions<HeartbeatOptions> options,
    TimeProvider time,
    ILogger<HeartbeatWriter> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var key = $"{settings.KeyPrefix}{replica.Id}";
        var failing = false;
        using var timer = new PeriodicTimer(settings.Interval, time);
        do
        {
            try
            {
                await state.GetDatabase().StringSetAsync(key, time.GetUtcNow().ToUnixTimeMilliseconds(), settings.TimeToLive);
                if (failing)
                {
                    LogRecovered(logger, key);
                    failing = false;
                }
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                if (!failing)
                {
                    LogFailed(logger, key, ex.GetType().Name);
                    failing = true;
                }
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Heartbeat {Key} could not be written ({Error}); retrying every interval.")]
    private static partial void LogFailed(ILogger logger, string key, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Heartbeat {Key} is being written again.")]
    private static partial void LogRecovered(ILogger logger, string key);
}
