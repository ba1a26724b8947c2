using Microsoft.AspNetCore.Diagnostics;
using HaSystem.ApiService.Chaos;
using Polly.CircuitBreaker;
using Polly.Timeout;
using StackExchange.Redis;

namespace HaSystem.ApiService.Errors;

/// <summary>
/// Turns "a dependency is down and there is nothing to fall back on" into a 503 problem with <c>Retry-After</c>,
/// and a malformed request that surfaced as an exception into its 4xx. Anything else stays a 500 without details.
/// </summary>
public sealed class UnavailableExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        // FusionCache may wrap a factory's exception; what matters is the dependency that failed.
        var cause = exception;
        while (cause.InnerException is not null && cause is not (BadHttpRequestException or DatabaseUnavailableException or RedisException))
        {
            cause = cause.InnerException;
        }

        var (status, title) = cause switch
        {
            BadHttpRequestException bad => (bad.StatusCode, "Bad request"),
            DatabaseUnavailableException or Microsoft.Data.Sqlite.SqliteException => (StatusCodes.Status503ServiceUnavailable, "The catalog database is unavailable"),
            RedisException or BrokenCircuitException or TimeoutRejectedException => (StatusCodes.Status503ServiceUnavailable, "Redis is unavailable"),
            _ => (0, ""),
        };
        if (status == 0)
        {
            return false;
        }

        context.Response.StatusCode = status;
        if (status == StatusCodes.Status503ServiceUnavailable)
        {
            context.Response.Headers.RetryAfter = "2";
        }

        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            Exception = exception,
            ProblemDetails = { Status = status, Title = title, Detail = status == 503 ? "Please retry in a few seconds." : null },
        });
    }
}
