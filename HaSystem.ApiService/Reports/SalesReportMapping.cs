using HaSystem.ApiService.Infrastructure;

namespace HaSystem.ApiService.Reports;

/// <summary>The stored report as the contract's <see cref="SalesReportView"/>.</summary>
public static class SalesReportMapping
{
    extension(SalesReportView)
    {
        /// <summary>The contract's view of <paramref name="report"/>.</summary>
        public static SalesReportView From(SalesReport report) =>
            new(report.TenantId, report.PeriodStart, report.PeriodSeconds, report.OrderCount, report.Revenue, report.FencingToken, report.ProducedBy, report.ProducedAtUtc);
    }
}
