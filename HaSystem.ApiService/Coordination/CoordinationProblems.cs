using HaSystem.ApiService.Errors;
using HaSystem.Coordination.Locking;

namespace HaSystem.ApiService.Coordination;

/// <summary>How the failures of locks and leases (HaSystem.Coordination) are answered.</summary>
public static class CoordinationProblems
{
    /// <summary>No primary answered for a lock, or a lease was lost mid-way: 503 with <c>Retry-After</c>.</summary>
    public static IServiceCollection AddCoordinationProblems(this IServiceCollection services)
    {
        const string Title = "Coordination through Redis is unavailable";
        return services
            .AddUnavailableProblem<LockUnavailableException>(Title)
            .AddUnavailableProblem<LeaseLostException>(Title);
    }
}
