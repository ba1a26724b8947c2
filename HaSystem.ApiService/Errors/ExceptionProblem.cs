namespace HaSystem.ApiService.Errors;

/// <summary>
/// How an exception of one type (or a type derived from it) is answered: the problem's status, title and type, and
/// whether the client may retry after a while. Each feature registers its own next to the feature
/// (<see cref="ExceptionProblemExtensions.AddExceptionProblem{TException}"/>); <see cref="ProblemExceptionHandler"/> applies them.
/// </summary>
/// <param name="ExceptionType">The exception, and those derived from it.</param>
/// <param name="Status">The HTTP status.</param>
/// <param name="Title">The problem's title.</param>
/// <param name="Type">The problem's type (<see cref="ProblemTypes"/>) when a client is expected to tell it apart.</param>
/// <param name="RetryAfter">Sent as <c>Retry-After</c>: when the same request may succeed.</param>
public sealed record ExceptionProblem(Type ExceptionType, int Status, string Title, string? Type = null, TimeSpan? RetryAfter = null)
{
    /// <summary>What a 503 says: the dependency is down, and its exception's message is for the logs, not the client.</summary>
    public const string UnavailableDetail = "Please retry in a few seconds.";

    /// <summary>The default pause before a client retries a request that met an unavailable dependency.</summary>
    public static readonly TimeSpan UnavailableRetryAfter = TimeSpan.FromSeconds(2);

    /// <summary>The problem's detail: the exception's message, written for people, except for a 503.</summary>
    public string? DetailOf(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return Status == StatusCodes.Status503ServiceUnavailable ? UnavailableDetail : exception.Message;
    }
}
