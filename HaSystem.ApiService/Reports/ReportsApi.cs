using System.Security.Claims;
using HaSystem.ApiService.Identity;
using Microsoft.AspNetCore.Http.HttpResults;

namespace HaSystem.ApiService.Reports;

/// <summary>
/// Per-tenant sales reports. The leading worker writes them (service token, fencing token of its lease) and asks
/// where to carry on; a tenant's users read theirs.
/// </summary>
public static class ReportsApi
{
    public static IEndpointRouteBuilder MapReportsApi(this IEndpointRouteBuilder app)
    {
        var reports = app.MapGroup("/api/reports").WithTags("Reports");
        reports.MapGet("/", ListReports).WithName("ListReports");
        reports.MapGet("/progress", GetProgress).WithName("GetReportProgress").RequireAuthorization(IdentityExtensions.ServicePolicy);
        reports.MapPost("/", ProduceReport).WithName("ProduceReport").RequireAuthorization(IdentityExtensions.ServicePolicy)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        return app;
    }

    public static async Task<Ok<IReadOnlyList<SalesReportView>>> ListReports(ClaimsPrincipal user, ReportStore store, CancellationToken cancellationToken) =>
        TypedResults.Ok(await store.LatestAsync(CurrentTenant.Of(user).Value, 100, cancellationToken));

    public static async Task<Ok<IReadOnlyList<ReportProgress>>> GetProgress(ReportStore store, CancellationToken cancellationToken) =>
        TypedResults.Ok(await store.ProgressAsync(cancellationToken));

    public static async Task<Results<Created<SalesReportView>, ProblemHttpResult>> ProduceReport(
        SalesReportInput input, ReportStore store, LeaseHolderCheck lease, TimeProvider time, CancellationToken cancellationToken)
    {
        if (!TenantId.TryParse(input.Tenant, out _) || !await store.TenantExistsAsync(input.Tenant, cancellationToken))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown tenant", detail: $"There is no tenant '{input.Tenant}'.");
        }

        if (!ReportPeriods.IsAlignedAndFinished(input.PeriodStart, input.PeriodSeconds, time.GetUtcNow()))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: "Not a finished report period",
                detail: "A period starts at a multiple of its length and can be reported once it is over.");
        }

        await lease.EnsureCurrentAsync(input.FencingToken, input.ProducedBy, cancellationToken);
        var report = await store.ProduceAsync(input, cancellationToken);
        return TypedResults.Created($"/api/reports?tenant={report.Tenant}&period={report.PeriodStart}", report);
    }
}
