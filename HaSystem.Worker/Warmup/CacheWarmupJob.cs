using System.Threading.Channels;
using HaSystem.Coordination.Locking;
using HaSystem.Coordination.Redis;
using HaSystem.Worker.Api;
using HaSystem.Worker.Leadership;
using StackExchange.Redis;

namespace HaSystem.Worker.Warmup;

/// <summary>
/// Re-warms the hottest products into the cache when this replica becomes leader (after a start-up or a hand-over)
/// and whenever its <c>cache</c> client sees a failover or a reconnect: a promoted or restarted cache node may have
/// lost entries, and the first readers after it should not all go to the database. Not while the cache is down: its
/// client reconfigures again and again then, and each warm-up would only load the database and the API for nothing;
/// the reconnect triggers one.
/// </summary>
public sealed partial class CacheWarmupJob : ILeaderJob, IDisposable
{
    private readonly Channel<string> _triggers = Channel.CreateBounded<string>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly IConnectionMultiplexer _cache;
    private readonly WorkerApiClient _api;
    private readonly TimeProvider _time;
    private readonly ILogger<CacheWarmupJob> _logger;

    public CacheWarmupJob([FromKeyedServices(RedisRoles.Cache)] IConnectionMultiplexer cache, WorkerApiClient api, TimeProvider time, ILogger<CacheWarmupJob> logger)
    {
        _cache = cache;
        _api = api;
        _time = time;
        _logger = logger;
        _cache.ConnectionRestored += OnConnectionRestored;
        _cache.ConfigurationChanged += OnConfigurationChanged;
        _cache.ConfigurationChangedBroadcast += OnConfigurationChanged;
    }

    public string Name => "cache-warmup";

    public async Task RunAsync(LockLease lease, CancellationToken cancellationToken)
    {
        var reason = "became leader";
        while (true)
        {
            await WarmUntilDoneAsync(reason, lease, cancellationToken);
            reason = await _triggers.Reader.ReadAsync(cancellationToken);
            // Let the client settle on the new primary (both events arrive for one failover).
            await Task.Delay(TimeSpan.FromMilliseconds(500), _time, cancellationToken);
            while (_triggers.Reader.TryRead(out _))
            {
            }
        }
    }

    private async Task WarmUntilDoneAsync(string reason, LockLease lease, CancellationToken cancellationToken)
    {
        var delay = TimeSpan.FromMilliseconds(500);
        while (true)
        {
            lease.ThrowIfLost();
            if (!_cache.IsConnected)
            {
                LogCacheDown(_logger, reason);
                return;
            }

            try
            {
                var result = await _api.WarmCacheAsync(cancellationToken);
                LogWarmed(_logger, reason, result.ProductsPerTenant);
                return;
            }
            catch (HttpRequestException ex)
            {
                LogRetry(_logger, reason, ex.Message);
            }

            await Task.Delay(delay, _time, cancellationToken);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(10).Ticks));
        }
    }

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e) => _triggers.Writer.TryWrite("cache connection restored");

    private void OnConfigurationChanged(object? sender, EndPointEventArgs e)
    {
        if (_cache.IsConnected)
        {
            _triggers.Writer.TryWrite("cache topology changed");
        }
    }

    public void Dispose()
    {
        _cache.ConnectionRestored -= OnConnectionRestored;
        _cache.ConfigurationChanged -= OnConfigurationChanged;
        _cache.ConfigurationChangedBroadcast -= OnConfigurationChanged;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Cache warmed ({Reason}): {Products}.")]
    private static partial void LogWarmed(ILogger logger, string reason, IReadOnlyDictionary<string, int> products);

    [LoggerMessage(Level = LogLevel.Information, Message = "Cache warm-up ({Reason}) skipped: the cache is unreachable; it runs when the connection is restored.")]
    private static partial void LogCacheDown(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cache warm-up ({Reason}) failed: {Error}; retrying.")]
    private static partial void LogRetry(ILogger logger, string reason, string error);
}
