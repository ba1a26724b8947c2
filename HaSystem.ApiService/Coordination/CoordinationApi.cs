using HaSystem.ApiService.Identity;
using HaSystem.ApiService.Reports;
using HaSystem.Coordination.Locking;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace HaSystem.ApiService.Coordination;

/// <summary><c>GET /api/coordination/leader</c>: which worker replica leads now, with which fencing token, since when.</summary>
public static class CoordinationApi
{
    public static IEndpointRouteBuilder MapCoordinationApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/coordination/leader", GetLeader).WithName("GetLeader").WithTags("Coordination")
            .RequireAuthorization(IdentityExtensions.AnyCallerPolicy);
        return app;
    }

    public static async Task<Results<Ok<LockHolder>, ProblemHttpResult>> GetLeader(
        RedisDistributedLock locks, IOptions<ReportOptions> reports, CancellationToken cancellationToken) =>
        await locks.GetHolderAsync(reports.Value.LeaseKey, cancellationToken) is { } holder
            ? TypedResults.Ok(holder)
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No leader",
                detail: "No worker holds the leader lease right now; one takes over within the lease's time to live.");
}
