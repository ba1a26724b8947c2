using System.ComponentModel.DataAnnotations;
using HaSystem.ApiService.Infrastructure;

namespace HaSystem.ApiService.Reports;

/// <summary>
/// What the leading worker sends for one (tenant, period); the API counts the period's orders itself.
/// <see cref="ProducedBy"/> is the lease's holder (the worker replica), which the fence checks with the token.
/// </summary>
public sealed record SalesReportInput(
    [property: Required, StringLength(32, MinimumLength = 1)] string Tenant,
    [property: Range(0, SalesReportInput.MaxPeriodStart)] long PeriodStart,
    [property: Range(1, 86_400)] int PeriodSeconds,
    [property: Range(1, long.MaxValue)] long FencingToken,
    [property: Required, StringLength(100, MinimumLength = 1)] string ProducedBy)
{
    /// <summary>Year 3000: far enough, and small enough that no period arithmetic overflows.</summary>
    public const long MaxPeriodStart = 32_503_680_000;
}

public sealed record SalesReportView(
    string Tenant, long PeriodStart, int PeriodSeconds, int OrderCount, decimal Revenue, long FencingToken, string ProducedBy, DateTime ProducedAtUtc)
{
    public static SalesReportView From(SalesReport r) =>
        new(r.TenantId, r.PeriodStart, r.PeriodSeconds, r.OrderCount, r.Revenue, r.FencingToken, r.ProducedBy, r.ProducedAtUtc);
}

/// <summary>The last period produced for a tenant (<see langword="null"/>: none yet): where a new leader carries on.</summary>
public sealed record ReportProgress(string Tenant, long? LastPeriodStart);

/// <summary>The (tenant, period) was already produced (409); for the leader this means "done".</summary>
public sealed class ReportAlreadyProducedException(string tenant, long periodStart)
    : Exception($"The report of '{tenant}' for the period starting {periodStart} was already produced.");
