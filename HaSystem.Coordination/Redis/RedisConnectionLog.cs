using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace HaSystem.Coordination.Redis;

/// <summary>
/// Logs each lost and restored connection of a role's client once, in a line, without a stack trace. The client's own
/// log (category <c>StackExchange.Redis</c>, left at Critical) writes every failed reconnect attempt as an error with
/// its exception: formatting those traces (reading each assembly's symbols for line numbers) in every service at the
/// moment a node stops was the latency burst of the cache outage.
/// </summary>
/// <remarks>
/// The multiplexer is taken (and so created) off the start-up path: while Redis is down its creation waits out a
/// connect timeout, which must not hold the service's start.
/// </remarks>
public sealed partial class RedisConnectionLog(string role, Func<IConnectionMultiplexer> multiplexer, ILogger<RedisConnectionLog> logger) : IHostedService
{
    private Task<IConnectionMultiplexer>? _watched;

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _watched = Task.Run(() =>
        {
            var connection = multiplexer();
            connection.ConnectionFailed += OnFailed;
            connection.ConnectionRestored += OnRestored;
            return connection;
        }, CancellationToken.None);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken)
    {
        if (_watched is { IsCompletedSuccessfully: true })
        {
            _watched.Result.ConnectionFailed -= OnFailed;
            _watched.Result.ConnectionRestored -= OnRestored;
        }

        return Task.CompletedTask;
    }

    private void OnFailed(object? sender, ConnectionFailedEventArgs e) =>
        LogLost(logger, role, e.EndPoint?.ToString() ?? "?", e.ConnectionType, e.FailureType, e.Exception?.GetType().Name ?? "-");

    private void OnRestored(object? sender, ConnectionFailedEventArgs e) =>
        LogRestored(logger, role, e.EndPoint, e.ConnectionType);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis '{Role}': {ConnectionType} connection to {Endpoint} lost ({FailureType}, {Error}).")]
    private static partial void LogLost(ILogger logger, string role, string endpoint, ConnectionType connectionType, ConnectionFailureType failureType, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Redis '{Role}': {ConnectionType} connection to {Endpoint} restored.")]
    private static partial void LogRestored(ILogger logger, string role, System.Net.EndPoint? endpoint, ConnectionType connectionType);
}
