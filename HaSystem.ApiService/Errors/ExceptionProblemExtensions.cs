namespace HaSystem.ApiService.Errors;

/// <summary>Registers how a feature's exceptions are answered.</summary>
public static class ExceptionProblemExtensions
{
    /// <summary>
    /// Answers <typeparamref name="TException"/> (and exceptions derived from it) with a problem of
    /// <paramref name="status"/>. A feature calls this from its own <c>Add*</c>; the first registration of a type wins.
    /// </summary>
    public static IServiceCollection AddExceptionProblem<TException>(
        this IServiceCollection services, int status, string title, string? type = null, TimeSpan? retryAfter = null)
        where TException : Exception
    {
        ArgumentNullException.ThrowIfNull(services);
        return services.AddSingleton(new ExceptionProblem(typeof(TException), status, title, type, retryAfter));
    }

    /// <summary>Answers <typeparamref name="TException"/> with a 503 and <c>Retry-After</c>: a dependency is down and there is nothing to fall back on.</summary>
    public static IServiceCollection AddUnavailableProblem<TException>(this IServiceCollection services, string title)
        where TException : Exception =>
        services.AddExceptionProblem<TException>(StatusCodes.Status503ServiceUnavailable, title, retryAfter: ExceptionProblem.UnavailableRetryAfter);
}
