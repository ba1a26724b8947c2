using HaSystem.Coordination.Locking;
using HaSystem.ServiceDefaults.Replicas;
using HaSystem.Worker.Api;
using HaSystem.Worker.Leadership;
using Microsoft.Extensions.Options;

namespace HaSystem.Worker.Reports;

/// <summary>
/// Produces each tenant's sales report for every finished period, exactly once. Where to carry on is asked from the
/// API (the last period stored per tenant), never remembered locally, so a new leader fills the periods its
/// predecessor missed and skips the ones it did. Every write carries the lease's fencing token: a deposed leader's
/// late write is refused by the database, and the refusal ends its leadership.
/// </summary>
public sealed partial class SalesReportJob(
    WorkerApiClient api,
    ReplicaIdentity replica,
    IOptions<SalesReportOptions> options,
    TimeProvider time,
    ILogger<SalesReportJob> logger) : ILeaderJob
{
    public string Name => "sales-reports";

    public async Task RunAsync(LockLease lease, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var period = (long)settings.Interval.TotalSeconds;
        var tick = TimeSpan.FromSeconds(Math.Min(1, period / 2.0));
        while (true)
        {
            var now = time.GetUtcNow();
            foreach (var progress in await api.GetReportProgressAsync(cancellationToken))
            {
                foreach (var start in ReportPeriods.Due(progress.LastPeriodStart, period, settings.MaxCatchUpPeriods, now))
                {
                    lease.ThrowIfLost();
                    var outcome = await api.ProduceReportAsync(
                        new SalesReportInput(progress.Tenant, start, (int)period, lease.FencingToken, replica.Id), cancellationToken);
                    if (outcome == ReportOutcome.StaleToken)
                    {
                        throw new LeaseLostException(lease.Key, lease.FencingToken);
                    }

                    LogProduced(logger, progress.Tenant, start, outcome, lease.FencingToken);
                }
            }

            await Task.Delay(tick, time, cancellationToken);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Sales report {Tenant}/{PeriodStart}: {Outcome} (fencing token {FencingToken}).")]
    private static partial void LogProduced(ILogger logger, string tenant, long periodStart, ReportOutcome outcome, long fencingToken);
}
