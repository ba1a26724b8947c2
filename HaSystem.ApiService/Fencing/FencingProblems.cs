using HaSystem.ApiService.Errors;

namespace HaSystem.ApiService.Fencing;

/// <summary>How a refused fencing token is answered.</summary>
public static class FencingProblems
{
    /// <summary>
    /// A token lower than one already accepted: 409 <see cref="ProblemTypes.StaleFencingToken"/>, without
    /// <c>Retry-After</c>, because the same request will never succeed: another holder took over.
    /// </summary>
    public static IServiceCollection AddFencingProblems(this IServiceCollection services) =>
        services.AddExceptionProblem<StaleFencingTokenException>(StatusCodes.Status409Conflict, "Stale fencing token", ProblemTypes.StaleFencingToken);
}
