
namespace HaSystem.ApiService.Reports;

/// <summary>The (tenant, period) was already produced (409); for the leader this means "done".</summary>
public sealed class ReportAlreadyProducedException(string tenant, long periodStart)
    : Exception($"The report of '{tenant}' for the period starting {periodStart} was already produced.");
