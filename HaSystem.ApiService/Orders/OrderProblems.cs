using HaSystem.ApiService.Coordination;
using HaSystem.ApiService.Errors;
using HaSystem.ApiService.Fencing;
using HaSystem.Coordination.Locking;

namespace HaSystem.ApiService.Orders;

/// <summary>How an order's failures are answered.</summary>
public static class OrderProblems
{
    /// <summary>The order's own problems, and those of the lock and fence it goes through.</summary>
    public static IServiceCollection AddOrderProblems(this IServiceCollection services) => services
        // The key's lock stayed taken for the whole wait: the first request with it is still running.
        .AddExceptionProblem<LockTimeoutException>(StatusCodes.Status409Conflict, "The same request is still being processed", ProblemTypes.InProgress, TimeSpan.FromSeconds(1))
        .AddExceptionProblem<IdempotencyKeyReusedException>(StatusCodes.Status422UnprocessableEntity, "Idempotency-Key reused with a different request", ProblemTypes.KeyReused)
        .AddExceptionProblem<UnknownProductsException>(StatusCodes.Status422UnprocessableEntity, "Unknown products")
        .AddCoordinationProblems()
        .AddFencingProblems();
}
