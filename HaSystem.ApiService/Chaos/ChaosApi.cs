using HaSystem.ApiService.Identity;
using Microsoft.AspNetCore.Http.HttpResults;

namespace HaSystem.ApiService.Chaos;

/// <summary>
/// <c>PUT /api/admin/chaos/database</c>: make this replica's database calls fail, or stop failing. Mapped only when
/// <c>Chaos:Enabled</c> (off unless asked for, also in Development), and only for the operator: the fault hits every
/// tenant served by the replica, so a tenant's admin must not hold it.
/// </summary>
public static class ChaosApi
{
    public static IEndpointRouteBuilder MapChaosApi(this IEndpointRouteBuilder app, IConfiguration configuration)
    {
        if (configuration.GetValue("Chaos:Enabled", false))
        {
            app.MapPut("/api/admin/chaos/database", SetDatabaseFault).RequireAuthorization(IdentityExtensions.OperatorPolicy).WithTags("Chaos");
        }

        return app;
    }

    public static Ok<ChaosState> SetDatabaseFault(ChaosState request, DatabaseChaos chaos)
    {
        chaos.Failing = request.DatabaseFailing;
        return TypedResults.Ok(new ChaosState(chaos.Failing));
    }
}
