using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace HaSystem.ServiceDefaults.Redis;

/// <summary>
/// Logs each lost and restored connection of a role's client once, in a line, without a stack trace. The client's own
/// log (category <c>StackExchange.Redis</c>, left at Critical) writes every failed reconnect attempt as an error with
/// its exception: formatting those traces (reading each assembly's symbols for line numbers) in every service at the
/// moment a node stops was the latency burst of the cache outage.
/// </summary>
public sealed partial class RedisConnectionLog(string role, IConnectionMultiplexer multiplexer, ILogger<RedisConnectionLog> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        multiplexer.ConnectionFailed += OnFailed;
        multiplexer.ConnectionRestored += OnRestored;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        multiplexer.ConnectionFailed -= OnFailed;
        multiplexer.ConnectionRestored -= OnRestored;
        return Task.CompletedTask;
    }

    private void OnFailed(object? sender, ConnectionFailedEventArgs e) =>
        LogLost(logger, role, e.EndPoint?.ToString() ?? "?", e.ConnectionType, e.FailureType, e.Exception?.GetType().Name ?? "-");

    private void OnRestored(object? sender, ConnectionFailedEventArgs e) =>
        LogRestored(logger, role, e.EndPoint?.ToString() ?? "?", e.ConnectionType);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis '{Role}': {ConnectionType} connection to {Endpoint} lost ({FailureType}, {Error}).")]
    private static partial void LogLost(ILogger logger, string role, string endpoint, ConnectionType connectionType, ConnectionFailureType failureType, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Redis '{Role}': {ConnectionType} connection to {Endpoint} restored.")]
    private static partial void LogRestored(ILogger logger, string role, string endpoint, ConnectionType connectionType);
}
