namespace HaSystem.Worker.Reports;

public static class SalesReportExtensions
{
    /// <summary>The leader's per-tenant sales reports, every <c>Worker:Reports:Interval</c>.</summary>
    public static IHostApplicationBuilder AddSalesReports(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<SalesReportOptions>(SalesReportOptions.SectionName);
        return builder.AddLeaderJob<SalesReportJob>();
    }
}
