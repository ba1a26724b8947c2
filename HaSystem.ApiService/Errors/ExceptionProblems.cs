using Polly.CircuitBreaker;
using Polly.Timeout;
using StackExchange.Redis;

namespace HaSystem.ApiService.Errors;

/// <summary>
/// Finds the problem for an exception: the features' registrations (<see cref="ExceptionProblem"/>), and the cases no
/// feature owns: a malformed request that surfaced as an exception, and Redis failing under any feature.
/// </summary>
public sealed class ExceptionProblems
{
    private static readonly ExceptionProblem RedisUnavailable = new(typeof(RedisException), StatusCodes.Status503ServiceUnavailable,
        "Redis is unavailable", RetryAfter: ExceptionProblem.UnavailableRetryAfter);

    private readonly ExceptionProblem[] _registered;

    /// <summary>The registered problems; the first registration of an exception type wins.</summary>
    public ExceptionProblems(IEnumerable<ExceptionProblem> registered) =>
        _registered = [.. registered.DistinctBy(p => p.ExceptionType)];

    /// <summary>
    /// The problem for <paramref name="exception"/> and the exception it is about, from the outermost exception inward
    /// (FusionCache, EF Core and Polly wrap the failure of the dependency), or <see langword="null"/>: a 500 without details.
    /// </summary>
    public (ExceptionProblem Problem, Exception Cause)? Find(Exception exception)
    {
        for (var cause = exception; cause is not null; cause = cause.InnerException)
        {
            if (Match(cause) is { } problem)
            {
                return (problem, cause);
            }
        }

        return null;
    }

    private ExceptionProblem? Match(Exception cause) => cause switch
    {
        BadHttpRequestException bad => new ExceptionProblem(typeof(BadHttpRequestException), bad.StatusCode, "Bad request"),
        _ when _registered.FirstOrDefault(p => p.ExceptionType.IsInstanceOfType(cause)) is { } registered => registered,
        RedisException or RedisTimeoutException or BrokenCircuitException or TimeoutRejectedException => RedisUnavailable,
        _ => null,
    };
}
