using Microsoft.AspNetCore.Diagnostics;
using HaSystem.ApiService.Chaos;
using HaSystem.ApiService.Fencing;
using HaSystem.ApiService.Infrastructure;
using HaSystem.ApiService.Orders;
using HaSystem.ApiService.Reports;
using HaSystem.Coordination.Locking;
using Polly.CircuitBreaker;
using Polly.Timeout;
using StackExchange.Redis;

namespace HaSystem.ApiService.Errors;

/// <summary>
/// Turns "a dependency is down and there is nothing to fall back on" into a 503 problem with <c>Retry-After</c>,
/// a lost race for a lock or a stale fencing token into 409, a request that contradicts stored data into 422, and a
/// malformed request that surfaced as an exception into its 4xx. Anything else stays a 500 without details.
/// </summary>
public sealed class UnavailableExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        // FusionCache may wrap a factory's exception; what matters is the dependency that failed.
        var cause = exception;
        while (cause.InnerException is not null && cause is not (BadHttpRequestException or DatabaseUnavailableException or CatalogBusyException or RedisException or LockUnavailableException or LeaseLostException))
        {
            cause = cause.InnerException;
        }

        var (status, title, type) = Classify(cause);
        if (status == 0)
        {
            return false;
        }

        context.Response.StatusCode = status;
        if (status is StatusCodes.Status503ServiceUnavailable or StatusCodes.Status409Conflict && cause is not StaleFencingTokenException and not ReportAlreadyProducedException)
        {
            context.Response.Headers.RetryAfter = status == StatusCodes.Status503ServiceUnavailable ? "2" : "1";
        }

        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            Exception = exception,
            ProblemDetails =
            {
                Status = status,
                Title = title,
                Type = type,
                Detail = cause switch
                {
                    BadHttpRequestException => null,
                    _ when status == StatusCodes.Status503ServiceUnavailable => "Please retry in a few seconds.",
                    _ => cause.Message,
                },
            },
        });
    }

    private static (int Status, string Title, string? Type) Classify(Exception cause) => cause switch
    {
        BadHttpRequestException bad => (bad.StatusCode, "Bad request", null),
        DatabaseUnavailableException or CatalogBusyException or Microsoft.Data.Sqlite.SqliteException => (StatusCodes.Status503ServiceUnavailable, "The catalog database is unavailable", null),
        LockUnavailableException or LeaseLostException => (StatusCodes.Status503ServiceUnavailable, "Coordination through Redis is unavailable", null),
        Caching.CacheWarmupIncompleteException => (StatusCodes.Status503ServiceUnavailable, "The Redis cache is unavailable", null),
        RedisException or BrokenCircuitException or TimeoutRejectedException => (StatusCodes.Status503ServiceUnavailable, "Redis is unavailable", null),
        StaleFencingTokenException => (StatusCodes.Status409Conflict, "Stale fencing token", ProblemTypes.StaleFencingToken),
        LockTimeoutException => (StatusCodes.Status409Conflict, "The same request is still being processed", ProblemTypes.InProgress),
        ReportAlreadyProducedException => (StatusCodes.Status409Conflict, "Report already produced", ProblemTypes.AlreadyProduced),
        IdempotencyKeyReusedException => (StatusCodes.Status422UnprocessableEntity, "Idempotency-Key reused with a different request", ProblemTypes.KeyReused),
        UnknownProductsException => (StatusCodes.Status422UnprocessableEntity, "Unknown products", null),
        _ => (0, "", null),
    };
}
