using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace HaSystem.Coordination.Redis;

/// <summary>
/// Asks the Sentinels of one role, twice a second, what they see (<see cref="RedisSentinelView"/>). Calls that ride
/// through a failover ask it whether waiting can help; the role's health check asks it whether redundancy is lost.
/// It has its own connection to the Sentinels and never blocks start-up: while they are unreachable the view says so.
/// It starts watching when the host starts, or at its first use if that comes earlier (a call made before the host
/// runs, such as the web's key-ring initialisation, must not wait its whole deadline on a view nobody is filling).
/// </summary>
public sealed partial class RedisSentinelWatch(
    string role,
    ConfigurationOptions connection,
    RedisRoleTopologyOptions topology,
    TimeProvider time,
    ILogger<RedisSentinelWatch> logger) : IHostedService, IAsyncDisposable
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromMilliseconds(800);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private ConnectionMultiplexer? _sentinels;
    private Task? _watching;
    private int _disposed;
    private RedisSentinelView _current = RedisSentinelView.Unknown(role, connection.EndPoints.Count);

    /// <summary>The role (Sentinel service name) this watch follows.</summary>
    public string Role => role;

    /// <summary>The last view (never older than a poll interval plus a timeout while the watch runs).</summary>
    public RedisSentinelView Current
    {
        get
        {
            EnsureWatching();
            return Volatile.Read(ref _current);
        }
    }

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken)
    {
        EnsureWatching();
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        if (_watching is { } watching)
        {
            await watching.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// Idempotent: the host disposes the watch twice, as the keyed singleton and as the hosted service it also is. A
    /// second dispose that threw would crash a service whose start failed, hiding the reason it failed.
    /// </remarks>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _stopping.CancelAsync();
        if (_sentinels is not null)
        {
            await _sentinels.DisposeAsync();
        }

        _stopping.Dispose();
    }

    private void EnsureWatching()
    {
        if (Volatile.Read(ref _watching) is not null || _stopping.IsCancellationRequested)
        {
            return;
        }

        lock (_gate)
        {
            _watching ??= Task.Run(() => WatchAsync(_stopping.Token));
        }
    }

    private async Task WatchAsync(CancellationToken stoppingToken)
    {
        _sentinels = await ConnectionMultiplexer.ConnectAsync(SentinelOptions(connection, role));
        using var timer = new PeriodicTimer(topology.PollInterval, time);
        do
        {
            RedisSentinelView view;
            try
            {
                view = await ObserveAsync(_sentinels);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException && !stoppingToken.IsCancellationRequested)
            {
                // One failed observation must not end the watch: the last view stands until the next one.
                LogObservationFailed(logger, ex, role);
                continue;
            }

            var previous = Interlocked.Exchange(ref _current, view);
            if (previous.Primary != view.Primary || previous.PrimaryDown != view.PrimaryDown || previous.SentinelsAnswering != view.SentinelsAnswering || previous.ReplicasOnline != view.ReplicasOnline)
            {
                LogView(logger, role, view.Primary ?? "unknown", view.PrimaryDown ? "down" : "up", view.ReplicasOnline, view.ReplicasExpected, view.SentinelsAnswering, view.SentinelsConfigured);
            }
        }
        while (await WaitForNextTickAsync(timer, stoppingToken));
    }

    private static async Task<bool> WaitForNextTickAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private async Task<RedisSentinelView> ObserveAsync(ConnectionMultiplexer sentinels)
    {
        var answers = await Task.WhenAll(sentinels.GetEndPoints().Select(endpoint => AskAsync(sentinels.GetServer(endpoint))));
        var answered = answers.OfType<SentinelAnswer>().ToArray();
        if (answered.Length == 0)
        {
            return new RedisSentinelView(role, connection.EndPoints.Count, 0, 0, null, false, false, topology.Replicas ?? 0, 0, 0);
        }

        // Sentinels may disagree for a moment during a failover: the primary most of them name is the one clients follow.
        var primary = answered.GroupBy(a => a.Primary).OrderByDescending(g => g.Count()).First().Key;
        return new RedisSentinelView(
            role,
            connection.EndPoints.Count,
            answered.Length,
            answered.Max(a => a.Quorum),
            primary,
            answered.Any(a => a.Primary == primary && a.PrimaryDown),
            answered.Any(a => a.FailoverInProgress),
            topology.Replicas ?? answered.Max(a => a.ReplicasKnown),
            answered.Where(a => a.Primary == primary).Select(a => a.ReplicasReachable).DefaultIfEmpty(0).Max(),
            answered.Where(a => a.Primary == primary).Select(a => a.ReplicasOnline).DefaultIfEmpty(0).Max());
    }

    private async Task<SentinelAnswer?> AskAsync(IServer sentinel)
    {
        if (!sentinel.IsConnected)
        {
            return null;
        }

        try
        {
            var primary = ToDictionary(await sentinel.SentinelMasterAsync(role).WaitAsync(AskTimeout));
            var replicas = (await sentinel.SentinelReplicasAsync(role).WaitAsync(AskTimeout)).Select(ToDictionary).ToArray();
            return new SentinelAnswer(
                $"{primary.GetValueOrDefault("ip")}:{primary.GetValueOrDefault("port")}",
                IsDown(primary),
                primary.GetValueOrDefault("flags", "").Contains("failover_in_progress", StringComparison.Ordinal),
                int.TryParse(primary.GetValueOrDefault("quorum"), out var quorum) ? quorum : 0,
                replicas.Length,
                replicas.Count(r => !IsDown(r)),
                replicas.Count(r => !IsDown(r) && r.GetValueOrDefault("master-link-status") == "ok"));
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            return null;
        }
    }

    private static bool IsDown(Dictionary<string, string> instance)
    {
        var flags = instance.GetValueOrDefault("flags", "");
        return flags.Contains("s_down", StringComparison.Ordinal) || flags.Contains("o_down", StringComparison.Ordinal) || flags.Contains("disconnected", StringComparison.Ordinal);
    }

    private static Dictionary<string, string> ToDictionary(KeyValuePair<string, string>[] fields) =>
        fields.GroupBy(f => f.Key).ToDictionary(g => g.Key, g => g.First().Value, StringComparer.Ordinal);

    /// <summary>A connection to the role's Sentinels alone (the same endpoints, password and timeouts, the Sentinel command set).</summary>
    internal static ConfigurationOptions SentinelOptions(ConfigurationOptions connection, string role)
    {
        var options = connection.Clone();
        options.ServiceName = null;
        options.CommandMap = CommandMap.Sentinel;
        options.TieBreaker = string.Empty;
        options.User = connection.SentinelUser ?? connection.User;
        options.Password = connection.SentinelPassword ?? connection.Password;
        options.AbortOnConnectFail = false;
        options.BacklogPolicy = BacklogPolicy.FailFast;
        options.ConnectTimeout = 1000;
        options.ClientName = $"{connection.ClientName ?? AppDomain.CurrentDomain.FriendlyName}-sentinels-{role}";
        return options;
    }

    private sealed record SentinelAnswer(string Primary, bool PrimaryDown, bool FailoverInProgress, int Quorum, int ReplicasKnown, int ReplicasReachable, int ReplicasOnline);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Asking the Sentinels of Redis '{Role}' failed; asking again.")]
    private static partial void LogObservationFailed(ILogger logger, Exception exception, string role);

    [LoggerMessage(Level = LogLevel.Information, Message = "Redis '{Role}' as its Sentinels see it: primary {Primary} ({State}), {ReplicasOnline} of {ReplicasExpected} replicas connected, {SentinelsAnswering} of {SentinelsConfigured} Sentinels answering.")]
    private static partial void LogView(ILogger logger, string role, string primary, string state, int replicasOnline, int replicasExpected, int sentinelsAnswering, int sentinelsConfigured);
}
