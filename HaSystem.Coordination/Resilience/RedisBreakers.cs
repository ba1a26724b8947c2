using System.Collections.Concurrent;
using HaSystem.Coordination.Telemetry;
using Microsoft.Extensions.Logging;

namespace HaSystem.Coordination.Resilience;

/// <summary>The current state of every Redis breaker (one per role and caller), for <c>/api/info</c>, logs and the transition metric.</summary>
public sealed partial class RedisBreakers(RedisTelemetry telemetry, ILoggerFactory loggers)
{
    private readonly ConcurrentDictionary<string, (string Role, string State)> _states = new();
    private readonly ILogger _logger = loggers.CreateLogger("HaSystem.Redis.Breaker");

    /// <summary>The worst state among the role's breakers: <c>open</c> if any is open, else <c>half-open</c> if any probes, else <c>closed</c>.</summary>
    public string StateOf(string role)
    {
        var states = _states.Values.Where(s => s.Role == role).Select(s => s.State).ToArray();
        return states.Contains("open") ? "open" : states.Contains("half-open") ? "half-open" : "closed";
    }

    internal ValueTask Transition(string role, string pipeline, string state, Exception? cause)
    {
        _states[pipeline] = (role, state);
        telemetry.BreakerTransitions.Add(1,
            new KeyValuePair<string, object?>("role", role),
            new KeyValuePair<string, object?>("pipeline", pipeline),
            new KeyValuePair<string, object?>("state", state));
        if (state == "open")
        {
            LogOpened(_logger, pipeline, cause?.GetType().Name ?? "failures");
        }
        else
        {
            LogState(_logger, pipeline, state);
        }

        return ValueTask.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis circuit breaker {Pipeline} opened ({Cause}): its calls fail fast.")]
    private static partial void LogOpened(ILogger logger, string pipeline, string cause);


    [LoggerMessage(Level = LogLevel.Information, Message = "Redis circuit breaker {Pipeline} is {State}.")]
    private static partial void LogState(ILogger logger, string pipeline, string state);
}
