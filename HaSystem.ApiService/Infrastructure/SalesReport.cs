namespace HaSystem.ApiService.Infrastructure;

/// <summary>A tenant's sales in one report period, produced by the leading worker; one per (tenant, period).</summary>
public sealed class SalesReport
{
    public long Id { get; set; }

    public required string TenantId { get; set; }

    /// <summary>Start of the period in Unix seconds; periods are aligned to multiples of <see cref="PeriodSeconds"/>.</summary>
    public long PeriodStart { get; set; }

    public int PeriodSeconds { get; set; }

    public int OrderCount { get; set; }

    public decimal Revenue { get; set; }

    public long FencingToken { get; set; }

    public required string ProducedBy { get; set; }

    public DateTime ProducedAtUtc { get; set; }
}
