using System.ComponentModel.DataAnnotations;

namespace HaSystem.Contracts.Reports;

/// <summary>
/// What the leading worker sends for one (tenant, period); the API counts the period's orders itself.
/// <see cref="ProducedBy"/> is the lease's holder (the worker replica), which the fence checks with the token.
/// </summary>
/// <param name="Tenant">The tenant whose orders are counted.</param>
/// <param name="PeriodStart">The period's start, in Unix seconds, a multiple of <paramref name="PeriodSeconds"/>.</param>
/// <param name="PeriodSeconds">The period's length.</param>
/// <param name="FencingToken">The leader lease's token.</param>
/// <param name="ProducedBy">The lease's holder.</param>
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

/// <summary>A produced report.</summary>
/// <param name="Tenant">The tenant.</param>
/// <param name="PeriodStart">The period's start, in Unix seconds.</param>
/// <param name="PeriodSeconds">The period's length.</param>
/// <param name="OrderCount">The period's orders.</param>
/// <param name="Revenue">Their amount.</param>
/// <param name="FencingToken">The token the producing leader held.</param>
/// <param name="ProducedBy">The producing worker replica.</param>
/// <param name="ProducedAtUtc">When it was produced.</param>
public sealed record SalesReportView(
    string Tenant, long PeriodStart, int PeriodSeconds, int OrderCount, decimal Revenue, long FencingToken, string ProducedBy, DateTime ProducedAtUtc);

/// <summary>The last period produced for a tenant: where a new leader carries on.</summary>
/// <param name="Tenant">The tenant.</param>
/// <param name="LastPeriodStart">The last period's start; <see langword="null"/> when none was produced yet.</param>
public sealed record ReportProgress(string Tenant, long? LastPeriodStart);
