using System.ComponentModel.DataAnnotations;

namespace HaSystem.Worker.Reports;

/// <summary>Bound from <c>Worker:Reports</c>.</summary>
public sealed class SalesReportOptions
{
    public const string SectionName = "Worker:Reports";

    /// <summary>The report period: one report per tenant for each aligned period of this length.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How many missed periods a new leader catches up at most (after a long outage the oldest are skipped).</summary>
    [Range(1, 100_000)]
    public int MaxCatchUpPeriods { get; set; } = 360;
}
