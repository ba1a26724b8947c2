using System.Globalization;
using Microsoft.AspNetCore.Diagnostics;

namespace HaSystem.ApiService.Errors;

/// <summary>
/// Answers an exception with the problem <see cref="ExceptionProblems"/> finds for it: a 503 with <c>Retry-After</c>
/// when a dependency is down and there is nothing to fall back on, a 409 for a lost race or a stale fencing token, a
/// 422 for a request that contradicts stored data, a 4xx for a malformed request. Anything else stays a 500 without
/// details.
/// </summary>
public sealed partial class ProblemExceptionHandler(ExceptionProblems map, IProblemDetailsService problems, ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    /// <inheritdoc />
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (map.Find(exception) is not var (problem, cause))
        {
            return false;
        }

        if (problem.Status >= StatusCodes.Status500InternalServerError)
        {
            // The client gets a clean 503; the operator needs the cause, which the framework does not log for a handled exception.
            LogUnavailable(logger, problem.Status, httpContext.Request.Method, httpContext.Request.Path, exception);
        }

        httpContext.Response.StatusCode = problem.Status;
        if (problem.RetryAfter is { } retryAfter)
        {
            httpContext.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }

        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails =
            {
                Status = problem.Status,
                Title = problem.Title,
                Type = problem.Type,
                Detail = cause is BadHttpRequestException ? null : problem.DetailOf(cause),
            },
        });
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Answered {Status} to {Method} {Path}: a dependency failed.")]
    private static partial void LogUnavailable(ILogger logger, int status, string method, string path, Exception exception);
}
