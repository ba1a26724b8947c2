using HaSystem.ApiService.Coordination;
using HaSystem.ApiService.Errors;
using HaSystem.ApiService.Fencing;

namespace HaSystem.ApiService.Reports;

/// <summary>How a report's failures are answered.</summary>
public static class ReportProblems
{
    /// <summary>
    /// A (tenant, period) produced already: 409 <see cref="ProblemTypes.AlreadyProduced"/>, which the leader reads as
    /// "done"; and the problems of the lease and fence a report goes through.
    /// </summary>
    public static IServiceCollection AddReportProblems(this IServiceCollection services) => services
        .AddExceptionProblem<ReportAlreadyProducedException>(StatusCodes.Status409Conflict, "Report already produced", ProblemTypes.AlreadyProduced)
        .AddCoordinationProblems()
        .AddFencingProblems();
}
