using System.Collections.Concurrent;
using HaSystem.ServiceDefaults.Telemetry;
using Microsoft.Extensions.Logging;

namespace HaSystem.ServiceDefaults.Resilience;

/// <summary>The current state of each role's circuit breaker, for <c>/api/info</c>, logs and the transition metric.</summary>
public sealed class RedisBreakers(RedisTelemetry telemetry, ILoggerFactory loggers)
{
    private readonly ConcurrentDictionary<string, string> _states = new();
    private readonly ILogger _logger = loggers.CreateLogger("HaSystem.Redis.Breaker");

    public string StateOf(string role) => _states.GetValueOrDefault(role, "closed");

    internal ValueTask Transition(string role, string state, Exception? cause)
    {
        _states[role] = state;
        telemetry.BreakerTransitions.Add(1, new KeyValuePair<string, object?>("role", role), new KeyValuePair<string, object?>("state", state));
        if (state == "open")
        {
            _logger.LogWarning("Redis '{Role}' circuit breaker opened ({Cause}): its calls fail fast.", role, cause?.GetType().Name ?? "failures");
        }
        else
        {
            _logger.LogInformation("Redis '{Role}' circuit breaker is {State}.", role, state);
        }

        return ValueTask.CompletedTask;
    }
}
