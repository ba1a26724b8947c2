namespace HaSystem.ApiService.Reports;

public static class ReportsExtensions
{
    public static IHostApplicationBuilder AddReports(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<ReportOptions>(ReportOptions.SectionName);
        builder.Services.AddScoped<ReportStore>();
        builder.Services.AddSingleton<LeaseHolderCheck>();
        builder.Services.AddReportProblems();
        return builder;
    }
}
